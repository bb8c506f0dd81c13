"""A session's request POST answered as an event stream, on the SDK's kernel.

As the SDK's session transport answers it (no event store: the runtime gives it
none): headers at once, the request's own notifications and server-to-client
requests as `event: message` frames, then its answer, `: ping` every 15 s while
it runs. A server-to-client request (`ctx.elicit`, sampling) goes through the
session's own SDK dispatcher, which numbers it, waits for the client's answer
(a response POST the SDK's transport hands it) and applies timeouts; its
frame reaches this POST through the transport's routing table, under this
request's id, exactly where the SDK's transport would pick it up. A client that
leaves does not cancel the call (the SDK's session goes on with it, too); a
session ended mid-call closes the stream without an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream
from mcp.server.streamable_http import EventMessage, StreamableHTTPServerTransport
from mcp.shared.dispatcher import CallOptions
from mcp.shared.jsonrpc_dispatcher import JSONRPCDispatcher
from mcp.shared.message import ServerMessageMetadata
from mcp.shared.transport_context import TransportContext
from mcp_types import RequestId
from starlette.types import Message, Receive, Send

from .exchange import Exchange

__all__ = ["EventExchange", "forward", "stream_start", "watch"]

logger = logging.getLogger(__name__)

# What the SDK's dispatcher builds for an event-stream session's request.
_JSONRPC: Final = TransportContext(kind="jsonrpc", can_send_request=True)
_PING_INTERVAL: Final = 15.0  # sse-starlette's default, which the SDK uses
_BUFFER: Final = 16  # the SDK's REQUEST_STREAM_BUFFER_SIZE


def stream_start(header: tuple[bytes, bytes]) -> Message:
    """The SDK's (sse-starlette's) response start, in its header order."""
    headers = [
        (b"cache-control", b"no-cache, no-transform"),
        (b"connection", b"keep-alive"),
        (b"content-type", b"text/event-stream"),
        header,
        (b"x-accel-buffering", b"no"),
    ]
    return {"type": "http.response.start", "status": 200, "headers": headers}


class EventExchange(Exchange):
    """An `Exchange` whose server-to-client requests go through the SDK's
    dispatcher, related to this request."""

    def __init__(
        self,
        request_id: RequestId,
        params: Mapping[str, Any] | None,
        metadata: ServerMessageMetadata,
        send: Send,
        dispatcher: JSONRPCDispatcher[Any],
    ) -> None:
        super().__init__(request_id, params, metadata, send, _JSONRPC)
        self._dispatcher = dispatcher

    @property
    def can_send_request(self) -> bool:
        return not self.settled

    @can_send_request.setter
    def can_send_request(self, value: bool) -> None:  # Exchange sets it
        pass

    async def send_raw_request(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        opts: CallOptions | None = None,
    ) -> dict[str, Any]:
        if self.settled:
            return await super().send_raw_request(method, params, opts)
        related = self.request_id
        return await self._dispatcher.send_raw_request(
            method, params, opts, _related_request_id=related
        )


async def forward(
    transport: StreamableHTTPServerTransport,
    request_id: RequestId,
    exchange: EventExchange,
    *,
    task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Frame what the SDK's router files under this request (its
    server-to-client requests) onto this POST's stream, while it runs."""
    key = str(request_id)  # the router's key
    if key in transport._request_streams:  # an SDK POST with this id: theirs
        task_status.started()
        return
    writer, reader = anyio.create_memory_object_stream[EventMessage](_BUFFER)
    transport._request_streams[key] = (writer, reader)
    task_status.started()
    try:
        await _relay(reader, exchange)
    finally:
        if transport._request_streams.get(key) == (writer, reader):
            del transport._request_streams[key]
        writer.close()
        reader.close()


async def _relay(
    reader: MemoryObjectReceiveStream[EventMessage], exchange: EventExchange
) -> None:
    try:
        async for event in reader:
            message = event.message.model_dump(
                mode="json", by_alias=True, exclude_unset=True
            )
            await exchange.send_message(message)
    except anyio.ClosedResourceError:  # the SDK ended the session (terminate)
        pass


async def watch(receive: Receive, send: Send, exchange: Exchange) -> None:
    """Ping while the call runs; a client that leaves gets nothing more."""
    while True:
        with anyio.move_on_after(_PING_INTERVAL):
            message = await receive()
            if message["type"] == "http.disconnect":
                exchange.close()  # the call goes on, its frames are dropped
                return
            continue
        if exchange.settled:
            return
        ping = f": ping - {datetime.now(UTC)}\r\n\r\n".encode()
        try:
            await send({"type": "http.response.body", "body": ping, "more_body": True})
        except OSError:
            return
