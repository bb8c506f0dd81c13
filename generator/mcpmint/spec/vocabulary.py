"""Facts of the spec format that light modules need without importing pydantic."""

from __future__ import annotations

from typing import Literal, get_args

FORMAT_VERSION = 1
Transport = Literal["stdio", "http", "sse", "websocket"]
TRANSPORTS: tuple[Transport, ...] = get_args(
    Transport
)  # in the order entrypoints list them
# The keys of an MCP Tool object, in the MCP schema's order: the order tools/list serves
# them in, whatever order the spec used.
TOOL_KEYS = (
    "name",
    "title",
    "description",
    "inputSchema",
    "outputSchema",
    "annotations",
    "icons",
    "execution",
    "_meta",
)
