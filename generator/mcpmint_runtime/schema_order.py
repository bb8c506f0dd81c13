"""tools/list serves each schema as the spec wrote it, key order included, in every
era: the SDK's 2025-11-25 result model puts `$schema`, `properties`, `required` and
`type` first. A middleware puts the spec's own dict back, only where the SDK's is
the same JSON value (so nothing the SDK decided to change is undone)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import mcp_types as types
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.lowlevel import Server

_SCHEMAS = (("inputSchema", "input_schema"), ("outputSchema", "output_schema"))


def keep_schema_order(server: Server[Any], tools: Iterable[types.Tool]) -> None:
    """Serve `tools`' schemas in the key order they were written."""
    written = {
        tool.name: {wire: getattr(tool, attr) for wire, attr in _SCHEMAS}
        for tool in tools
    }

    async def restore(
        ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        result = await call_next(ctx)
        if ctx.method != "tools/list" or not isinstance(result, dict):
            return result
        for tool in result.get("tools") or ():
            name = tool.get("name") if isinstance(tool, dict) else None
            own = written.get(name) if isinstance(name, str) else None
            for wire, schema in (own or {}).items():
                if schema is not None and tool.get(wire) == schema:
                    tool[wire] = schema
        return result

    server.middleware.append(restore)
