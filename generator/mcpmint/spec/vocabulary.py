"""Facts of the spec format that light modules need without importing pydantic."""

from __future__ import annotations

FORMAT_VERSION = 1
TRANSPORTS = ("stdio", "http", "sse", "websocket")
