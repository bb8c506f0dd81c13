"""MCP over WebSocket: the server endpoint at /ws and a client transport.

One JSON-RPC message per text frame, subprotocol `mcp`. A handshake that does
not offer `mcp` is refused with HTTP 400, so a client that speaks something else
learns at once instead of failing on its first frame. Invalid JSON gets -32700
and a binary frame, a batch or a non-message -32600 (see `jsonrpc`), each with
the connection kept; a disconnect cancels the connection's handlers. A frame
over `max_size` closes the connection with 1009 (uvicorn's `ws_max_size` does too
under `serve`); keep-alive pings are the ASGI server's (`ws_ping_interval`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any

import anyio
import mcp_types
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.shared.message import SessionMessage
from pydantic import ValidationError
from starlette.types import Message, Receive, Scope, Send

from .direct_streams import serve_direct
from .drain import Pending
from .jsonrpc import InvalidMessage, parse_message
from .security import deny
from .settings import DEFAULT_WS_MAX_SIZE
from .shutdown import Shutdown
from .tls import Verify, client_context

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

logger = logging.getLogger(__name__)

SUBPROTOCOL = "mcp"

FrameError = InvalidMessage  # a frame that carries no message; `reply` is the answer


def parse_frame(text: str | None) -> mcp_types.JSONRPCMessage:
    """The message in a text frame (None for a binary one); raises FrameError."""
    if text is None:
        raise FrameError(mcp_types.INVALID_REQUEST, "Binary frames are not supported")
    return parse_message(text)


class WebSocketEndpoint:
    """ASGI endpoint serving `server` on each accepted WebSocket connection."""

    def __init__(
        self,
        server: Server[Any],
        shutdown: Shutdown,
        *,
        max_size: int = DEFAULT_WS_MAX_SIZE,
    ) -> None:
        self._server = server
        self._shutdown = shutdown
        self._max_size = max_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await deny(scope, send, 400, "WebSocket endpoint", {})
            return
        if SUBPROTOCOL not in scope.get("subprotocols", ()):
            await deny(scope, send, 400, "Subprotocol 'mcp' required", {})
            return
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept", "subprotocol": SUBPROTOCOL})
        pending = Pending(self._shutdown.drain)
        connection = _Connection(send, pending, self._max_size)
        with self._shutdown.session(connection.end_input):
            await connection.serve(self._server, receive)
        await connection.close(1001)  # server going away, unless the client left


class _Connection:
    """One accepted WebSocket: the server's tasks read and write its frames
    themselves (`direct_streams`)."""

    def __init__(self, send: Send, pending: Pending, max_size: int) -> None:
        self._send = send
        self._receive: Receive | None = None
        self._max_size = max_size
        self._pending = pending
        self._lock = anyio.Lock()
        self._open = True
        self._ended = False  # end_input(): nothing more is read
        self._reading: anyio.CancelScope | None = None

    async def serve(self, server: Server[Any], receive: Receive) -> None:
        """Run `server` until the client disconnects."""
        self._receive = receive
        try:
            # Ending the input ends the session: handlers still running are
            # cancelled; what the server said last has gone out.
            await serve_direct(server, self.read_in, self.write_out)
            self.end_input()
        finally:
            self._pending.close()

    def end_input(self) -> None:
        """Stop reading frames: the server sees end of input and winds down."""
        self._ended = True
        if self._reading is not None:
            self._reading.cancel()

    async def close(self, code: int) -> None:
        """Close the connection, unless the client already left."""
        with anyio.CancelScope(shield=True):
            await self._send_frame({"type": "websocket.close", "code": code})

    async def read_in(self) -> SessionMessage:
        """The next message; `anyio.EndOfStream` once the client left or
        `end_input` was called. A frame that is no message is answered here."""
        assert self._receive is not None
        while not self._ended:
            with anyio.CancelScope() as self._reading:
                message = await self._receive()
            self._reading = None
            if self._ended:
                break
            if message["type"] != "websocket.receive":
                self._open = False  # the client left
                break
            if _size(message) > self._max_size:
                # uvicorn's ws_max_size does the same under `serve`; this one
                # holds under any ASGI server.
                await self.close(1009)  # message too big
                self._open = False
                break
            try:
                parsed = parse_frame(message.get("text"))
            except FrameError as exc:
                logger.debug("Bad frame: %s", exc)
                await self._write(exc.reply)
                continue
            self._pending.received(parsed)
            return SessionMessage(parsed)
        self._ended = True
        raise anyio.EndOfStream

    async def write_out(self, item: SessionMessage) -> None:
        """One message of the server's, in a frame."""
        await self._write(item.message)
        self._pending.sent(item.message)

    async def _write(self, message: mcp_types.JSONRPCMessage) -> None:
        await self._send_frame({"type": "websocket.send", "text": _dump(message)})

    async def _send_frame(self, frame: Message) -> None:
        async with self._lock:
            if not self._open:
                return  # the client left: drop what the server still says
            try:
                await self._send(frame)
            except OSError:  # uvicorn's ClientDisconnected
                self._open = False


@asynccontextmanager
async def websocket_client(
    url: str,
    *,
    token: str | None = None,
    headers: Mapping[str, str] | None = None,
    max_size: int | None = DEFAULT_WS_MAX_SIZE,
    verify: Verify = True,
) -> AsyncIterator[
    tuple[
        MemoryObjectReceiveStream[SessionMessage | Exception],
        MemoryObjectSendStream[SessionMessage],
    ]
]:
    """Connect to a `/ws` endpoint; yields the stream pair `mcp.Client` takes.

    `verify` (a `wss://` URL): the certificates trusted, as httpx's `verify`."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed
    from websockets.typing import Subprotocol

    extra = dict(headers or {})
    if token is not None:
        extra["Authorization"] = f"Bearer {token}"
    read_send, read_receive = anyio.create_memory_object_stream[
        SessionMessage | Exception
    ](0)
    write_send, write_receive = anyio.create_memory_object_stream[SessionMessage](0)
    # websockets refuses `ssl` with a ws:// URL.
    tls: dict[str, Any] = {}
    if url.startswith("wss:") and (context := client_context(verify)) is not None:
        tls["ssl"] = context
    async with connect(
        url,
        subprotocols=[Subprotocol(SUBPROTOCOL)],
        additional_headers=extra,
        max_size=max_size,
        **tls,
    ) as ws:

        async def read_all() -> None:
            async with read_send:
                with suppress(ConnectionClosed):  # end of input for the session
                    async for frame in ws:
                        await read_send.send(_client_item(frame))

        async def write_all() -> None:
            async with write_receive:
                with suppress(ConnectionClosed):  # the reader reports the close
                    async for item in write_receive:
                        await ws.send(_dump(item.message))

        async with anyio.create_task_group() as tg:
            tg.start_soon(read_all)
            tg.start_soon(write_all)
            try:
                yield read_receive, write_send
            finally:
                tg.cancel_scope.cancel()


def _size(message: Message) -> int:
    """A frame's size in bytes (UTF-8 for text)."""
    text, data = message.get("text"), message.get("bytes")
    if text is not None:
        return len(text) if text.isascii() else len(text.encode())
    return len(data or b"")


def _dump(message: mcp_types.JSONRPCMessage) -> str:
    return message.model_dump_json(by_alias=True, exclude_unset=True)


def _client_item(frame: str | bytes) -> SessionMessage | Exception:
    try:
        return SessionMessage(mcp_types.jsonrpc_message_adapter.validate_json(frame))
    except ValidationError as exc:
        return exc
