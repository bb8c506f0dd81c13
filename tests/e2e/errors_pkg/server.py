"""Three tools: `missing` fails as expected (ToolFailure), `crash` has a bug, `slow`
takes 30 s."""

from __future__ import annotations

from typing import Any

import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcpmint_runtime import ServerInfo, ToolContext, ToolEntry, ToolFailure
from mcpmint_runtime import build_server as runtime_server
from pydantic import BaseModel

SECRET_DETAIL = "password=hunter2 at db.internal:5432"


class NoArgs(BaseModel):
    pass


async def missing(args: NoArgs, ctx: ToolContext) -> Any:
    raise ToolFailure("no bookmark with id 7")


async def crash(args: NoArgs, ctx: ToolContext) -> Any:
    raise RuntimeError(f"connection refused: {SECRET_DETAIL}")


async def slow(args: NoArgs, ctx: ToolContext) -> Any:
    await anyio.sleep(30)
    return "late"


def _tool(name: str) -> types.Tool:
    return types.Tool(name=name, input_schema={"type": "object"})


def build_server(
    *, tool_timeout: float | None = None, internal_errors: Any = None
) -> Server[Any]:
    entries = (
        ToolEntry(_tool("missing"), NoArgs, None, missing),
        ToolEntry(_tool("crash"), NoArgs, None, crash),
        ToolEntry(_tool("slow"), NoArgs, None, slow),
    )
    info = ServerInfo(name="errpkg", version="0.0.1", tools=entries)
    return runtime_server(info, internal_errors=internal_errors)
