"""A low-level server with four tools: echo, slow (progress, cancellable), fail, and
ask (a request to the client, a log message and a list change, then the answer)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server

ECHO = types.Tool(
    name="echo",
    input_schema={
        "type": "object",
        "properties": {"text": {"type": "string"}},
        "required": ["text"],
    },
    output_schema={
        "type": "object",
        "properties": {"text": {"type": "string"}},
        "required": ["text"],
    },
)
SLOW = types.Tool(
    name="slow",
    input_schema={
        "type": "object",
        "properties": {
            "steps": {"type": "integer"},
            "delay": {"type": "number"},
            "tag": {"type": "string"},
        },
    },
)
FAIL = types.Tool(name="fail", input_schema={"type": "object"})
ASK = types.Tool(name="ask", input_schema={"type": "object"})
TOOLS = {tool.name: tool for tool in (ECHO, SLOW, FAIL, ASK)}


def _mark(name: str) -> None:
    """Leave a file behind so the test can see what a handler went through."""
    state = os.environ.get("FAKEPKG_STATE_DIR")
    if state:
        Path(state, name).touch()


async def list_tools(
    ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    return types.ListToolsResult(tools=list(TOOLS.values()))


async def call_tool(
    ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
) -> types.CallToolResult:
    args = params.arguments or {}
    if params.name == "echo":
        text = str(args["text"])
        # A stray print must not reach the wire.
        print(f"echo handler got {len(text)} characters", flush=True)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            structured_content={"text": text},
        )
    if params.name == "slow":
        return await _slow(
            ctx,
            int(args.get("steps", 3)),
            float(args.get("delay", 0.05)),
            str(args.get("tag", "slow")),
        )
    if params.name == "ask":
        await ctx.session.send_log_message("info", {"asking": "the client"})
        answer = await ctx.session.send_ping()  # the client answers it by POST
        await ctx.session.send_tool_list_changed()
        text = f"answered {answer.model_dump()}"
        return types.CallToolResult(content=[types.TextContent(type="text", text=text)])
    raise RuntimeError("boom")


async def _slow(
    ctx: ServerRequestContext[Any], steps: int, delay: float, tag: str
) -> types.CallToolResult:
    _mark(f"{tag}.started")
    try:
        for step in range(steps):
            await anyio.sleep(delay)
            await ctx.session.report_progress(step + 1, steps, f"step {step + 1}")
    except anyio.get_cancelled_exc_class():
        _mark(f"{tag}.cancelled")
        raise
    _mark(f"{tag}.finished")
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=f"done {steps}")]
    )


server: Server[Any] = Server(
    "fakepkg",
    version="0.0.1",
    on_list_tools=list_tools,
    on_call_tool=call_tool,
    get_tool_input_schema=lambda name: (
        TOOLS[name].input_schema if name in TOOLS else None
    ),
)
