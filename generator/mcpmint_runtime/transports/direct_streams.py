"""The SDK's stream contract over a transport's own read and write functions.

`Server.run` takes any `ReadStream` and `WriteStream` (the SDK's protocols), not
only anyio memory streams. With these the server's own tasks read the next
message off the wire and write their answers onto it: no reader or writer task
of the transport and no memory stream between it and the server, so one task
switch less for every message in and every message out (stdio, WebSocket).

`serve_direct` also spares a handshake-era connection the SDK's era relay:
`Server.run` peeks at the client's first request and relays every later message
through one more task and memory stream; here the first request is peeked at in
the reader, and a handshake-era connection is served with the SDK's public
`serve_loop`, enveloped 2026-07-28 requests refused as `Server.run` refuses them.
A connection opened with a 2026-07-28 request gets the SDK's dual-era loop as is.
"""

from __future__ import annotations

import collections
import contextvars
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Self

import anyio
import mcp_types
from mcp.server.runner import serve_dual_era_loop, serve_loop
from mcp.shared.message import SessionMessage

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server
    from mcp.server.models import InitializationOptions
    from mcp.shared._stream_protocols import ReadStream, WriteStream

__all__ = [
    "DirectReader",
    "DirectWriter",
    "Item",
    "Peeking",
    "enveloped",
    "serve_direct",
    "serve_era",
]

_LEAD_LIMIT = 8  # frames kept ahead of the first request, as `Server.run` keeps
_HANDSHAKE_ONLY = (
    "this connection serves the handshake protocol era; requests carrying the "
    "2026-07-28 envelope are not accepted on it"
)  # `Server.run`'s words


async def serve_direct(
    server: Server[Any],
    read: Callable[[], Awaitable[SessionMessage]],
    write: Callable[[SessionMessage], Awaitable[None]],
) -> None:
    """`Server.run` over `read` and `write` (see the module docstring)."""
    reader = Peeking(DirectReader(read))
    options = server.create_initialization_options()
    async with server.lifespan(server) as state:  # as `Server.run` does, first
        opening = await reader.peek()
        await serve_era(
            server,
            reader,
            DirectWriter(write),
            opening,
            lifespan_state=state,
            init_options=options,
        )


async def serve_era(
    server: Server[Any],
    source: ReadStream[Item],
    writer: WriteStream[SessionMessage],
    opening: mcp_types.JSONRPCRequest | None,
    *,
    lifespan_state: Any,
    init_options: InitializationOptions,
) -> None:
    """Serve a connection whose first request, `opening`, was read and put back
    in `source` (None: the input ended before one): the era it opens, on the
    SDK's public loops."""
    if opening is not None and opening.method != "initialize" and enveloped(opening):
        # Reads the first request again to choose, then relays: this era only.
        await serve_dual_era_loop(
            server,
            source,
            writer,
            lifespan_state=lifespan_state,
            init_options=init_options,
        )
        return
    await serve_loop(
        server,
        _HandshakeOnly(source, writer),
        writer,
        lifespan_state=lifespan_state,
        init_options=init_options,
    )


def enveloped(request: mcp_types.JSONRPCRequest) -> bool:
    """Whether `request` carries the 2026-07-28 envelope (its version in `_meta`)."""
    meta = (request.params or {}).get("_meta")
    return isinstance(meta, Mapping) and mcp_types.PROTOCOL_VERSION_META_KEY in meta


Item = SessionMessage | Exception


class DirectReader:
    """A `ReadStream`: `read()` returns the next message, raises `anyio.EndOfStream`
    at the end of input."""

    def __init__(self, read: Callable[[], Awaitable[Item]]) -> None:
        self._read = read

    async def receive(self) -> Item:
        return await self._read()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Item:
        try:
            return await self._read()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        return None  # the transport owns the wire and closes it

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None


class DirectWriter:
    """A `WriteStream`: each `send` is `write(message)`, in the sender's task."""

    def __init__(self, write: Callable[[SessionMessage], Awaitable[None]]) -> None:
        self._write = write

    async def send(self, item: SessionMessage, /) -> None:
        await self._write(item)

    async def aclose(self) -> None:
        return None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None


class Peeking(DirectReader):
    """`source` whose first request can be looked at before the server reads it;
    each message's sender context (`source.last_context`) goes along."""

    def __init__(self, source: ReadStream[Item]) -> None:
        super().__init__(self._next)
        self._source = source
        self._lead: collections.deque[tuple[contextvars.Context | None, Item]] = (
            collections.deque()
        )
        self.last_context: contextvars.Context | None = None

    async def peek(self) -> mcp_types.JSONRPCRequest | None:
        """The client's first request (None: the input ended before one); the
        frames up to it, at most `_LEAD_LIMIT` before it, are read again."""
        while True:
            try:
                item = await self._source.receive()
            except anyio.EndOfStream:
                return None
            opening = None
            if isinstance(item, SessionMessage) and isinstance(
                item.message, mcp_types.JSONRPCRequest
            ):
                opening = item.message
            elif len(self._lead) >= _LEAD_LIMIT:
                continue  # dropped, as `Server.run` drops it
            self._lead.append((getattr(self._source, "last_context", None), item))
            if opening is not None:
                return opening

    async def _next(self) -> Item:
        if self._lead:
            self.last_context, item = self._lead.popleft()
            return item
        item = await self._source.receive()
        self.last_context = getattr(self._source, "last_context", None)
        return item

    async def aclose(self) -> None:
        await self._source.aclose()


class _HandshakeOnly(DirectReader):
    """`source` with enveloped 2026-07-28 requests answered as `Server.run`
    answers them on a handshake connection (refused, the connection goes on)."""

    def __init__(
        self, source: ReadStream[Item], writer: WriteStream[SessionMessage]
    ) -> None:
        super().__init__(self._next)
        self._source = source
        self._writer = writer

    @property
    def last_context(self) -> contextvars.Context | None:
        """The sender's context of the last message, if `source` keeps it."""
        context: contextvars.Context | None = getattr(
            self._source, "last_context", None
        )
        return context

    async def _next(self) -> Item:
        while True:
            item = await self._source.receive()
            if not isinstance(item, SessionMessage):
                return item
            message = item.message
            if not (
                isinstance(message, mcp_types.JSONRPCRequest)
                and message.method != "initialize"
                and enveloped(message)
            ):
                return item
            error = mcp_types.ErrorData(
                code=mcp_types.INVALID_REQUEST, message=_HANDSHAKE_ONLY
            )
            refusal = mcp_types.JSONRPCError(jsonrpc="2.0", id=message.id, error=error)
            await self._writer.send(SessionMessage(refusal))

    async def aclose(self) -> None:
        await self._source.aclose()
