"""Whether a server still fits the generated client that connects to it.

A generated client knows the server name, version and tools it was built for.
`check_server` compares them with what the server says at connect: a different
server name or a tool the client calls that the server no longer lists raises
`ServerMismatch`; only a different version, every tool still there, is a
`ServerVersionWarning`. `is_unknown_tool` tells a call to a tool the server does
not know from other protocol errors.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from mcp.shared.exceptions import MCPError

from .connection import ClientError

__all__ = [
    "ServerMismatch",
    "ServerVersionWarning",
    "check_server",
    "is_unknown_tool",
]

_INVALID_PARAMS = -32602  # JSON-RPC: what an MCP server answers for an unknown tool
_MAX_PAGES = 100  # tools/list pages read before giving up on a server's cursor


class ServerMismatch(ClientError):
    """The server is not the one the client was built for, or lacks its tools."""

    def __init__(self, target: str, reason: str, missing: Sequence[str]) -> None:
        super().__init__(f"{target}: {reason}")
        self.target = target
        self.missing = tuple(missing)


class ServerVersionWarning(UserWarning):
    """The server's version differs from the client's, every tool still served."""


async def check_server(
    client: Any, target: str, name: str, version: str, tools: Sequence[str]
) -> None:
    """Compare `client`'s server (`mcp.Client`, connected) with what the client
    was built for; one `tools/list` round trip (more for a paged listing)."""
    info = client.server_info
    served_name = info.name if info is not None else name
    served_version = info.version if info is not None else version
    if served_name != name:
        reason = (
            f"server {served_name!r} {served_version} is not {name!r}, "
            f"which this client (built for {version}) calls"
        )
        raise ServerMismatch(target, reason, ())
    # A client of a server without tools (prompts, resources) lists none.
    listed = await _tool_names(client) if tools else set()
    missing = [tool for tool in tools if tool not in listed]
    if missing:
        reason = (
            f"server {name!r} {served_version} no longer serves {', '.join(missing)}, "
            f"which this client (built for {version}) calls"
        )
        raise ServerMismatch(target, reason, missing)
    if served_version != version:
        warnings.warn(
            f"{target}: server {name!r} is {served_version}, this client was built "
            f"for {version}; every tool it calls is still served",
            ServerVersionWarning,
            stacklevel=2,
        )


async def _tool_names(client: Any) -> set[str]:
    names: set[str] = set()
    cursor: str | None = None
    for _ in range(_MAX_PAGES):
        page = await client.list_tools(cursor=cursor)
        names.update(tool.name for tool in page.tools)
        cursor = page.next_cursor
        if cursor is None:
            break
    return names


def is_unknown_tool(exc: BaseException, tool: str) -> bool:
    """Whether `exc` is the server's answer to a call of a tool it does not know."""
    if not isinstance(exc, MCPError) or exc.code != _INVALID_PARAMS:
        return False
    return "unknown tool" in exc.message.lower() and tool in exc.message
