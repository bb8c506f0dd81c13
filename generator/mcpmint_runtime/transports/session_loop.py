"""One session on the SDK's serving loops, its protocol era chosen without a relay.

`serve_dual_era_loop` (what `Server.run` drives) reads up to the client's first
request to choose the era, then passes every later message through one more
memory stream and task to the loop it chose. Here the frames read before that
request are replayed from a list and the rest come straight from the
transport's stream, into the same two loops of the SDK with the same rule: a
first request carrying the 2026-07-28 envelope (and not `initialize`) opens a
modern connection, anything else a handshake one. One task switch less per
message. The loops are the SDK's private functions: `sse_kernel` is only used
when they import (see `transports/app.py`).
"""

from __future__ import annotations

import contextvars
from typing import Any

import anyio
from mcp.server.lowlevel import Server
from mcp.server.models import InitializationOptions
from mcp.server.runner import (
    _has_modern_envelope,
    _serve_legacy_stream,
    _serve_modern_stream,
)
from mcp.shared._context_streams import ContextReceiveStream
from mcp.shared._stream_protocols import WriteStream
from mcp.shared.message import SessionMessage
from mcp_types import JSONRPCRequest

__all__ = ["serve_session"]

Item = SessionMessage | Exception
_LEAD_LIMIT = 8  # frames kept from before the first request (the SDK's limit)


class _Replayed:
    """A read stream: the frames read ahead first, then the transport's own."""

    def __init__(
        self,
        inner: ContextReceiveStream[Item],
        lead: list[tuple[contextvars.Context, Item]],
    ) -> None:
        self._inner = inner
        self._lead = lead
        # The sender's context, which the SDK's dispatcher runs each handler in.
        self.last_context: contextvars.Context | None = None

    async def receive(self) -> Item:
        if self._lead:
            self.last_context, item = self._lead.pop(0)
            return item
        inner = self._inner
        item = await inner.receive()
        self.last_context = inner.last_context
        return item

    def __aiter__(self) -> _Replayed:
        return self

    async def __anext__(self) -> Item:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> _Replayed:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def serve_session(
    server: Server[Any],
    read: ContextReceiveStream[Item],
    write: WriteStream[SessionMessage],
    *,
    lifespan_state: Any,
    init_options: InitializationOptions,
) -> None:
    """Serve one connection until its input ends, as `serve_dual_era_loop` does."""
    try:
        lead: list[tuple[contextvars.Context, Item]] = []
        opening: JSONRPCRequest | None = None
        try:
            while opening is None:
                item = await read.receive()
                context = read.last_context or contextvars.copy_context()
                if isinstance(item, SessionMessage) and isinstance(
                    item.message, JSONRPCRequest
                ):
                    opening = item.message
                elif len(lead) >= _LEAD_LIMIT:
                    continue  # dropped, as the SDK drops it
                lead.append((context, item))
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            pass  # the client left before its first request
        stream = _Replayed(read, lead)
        try:
            modern = (
                opening is not None
                and opening.method != "initialize"
                and _has_modern_envelope(opening.params)
            )
            if modern:
                await _serve_modern_stream(
                    server,
                    stream,
                    write,
                    lifespan_state=lifespan_state,
                    raise_exceptions=False,
                )
            else:
                await _serve_legacy_stream(
                    server,
                    stream,
                    write,
                    lifespan_state=lifespan_state,
                    session_id=None,
                    init_options=init_options,
                    raise_exceptions=False,
                )
        finally:
            await read.aclose()
    finally:
        await write.aclose()
