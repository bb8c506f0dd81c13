"""Stateless Streamable HTTP request POSTs on the SDK's request kernel.

In `--stateless` mode the SDK answers every POST with a fresh transport, a
dispatcher, a server task, memory streams and an sse-starlette response with
its tasks: more CPU than the call. An ordinary handshake-era request POST is
answered here with `serve_one` (the SDK's single-exchange kernel), the SDK's
bytes on the wire: one `event: message` frame after the request's own
notifications (`ctx.log`, progress), headers at once, `: ping` every 15 s (or,
with `--json-response`, one JSON body); errors mapped as the SDK's dispatcher
maps them; in event-stream mode the handler cancelled when the client leaves.
A 2026-07-28 one goes to `stateless_modern` with `MCPMINT_KERNEL_MODERN=1`.
Anything else goes to the SDK (`answer` returns False, nothing sent):
notifications, GET and DELETE, what the SDK refuses (Content-Type, Accept).
`MCPMINT_SDK_STATELESS=1` sends every POST to the SDK.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

import anyio
import mcp_types
from mcp.server.connection import Connection
from mcp.server.lowlevel import Server
from mcp.server.runner import serve_one
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.dispatcher import CallOptions
from mcp.shared.exceptions import NoBackChannelError
from mcp.shared.jsonrpc_dispatcher import (
    handler_exception_to_error_data,
    progress_token_from_params,
)
from mcp.shared.message import ServerMessageMetadata
from mcp.shared.transport_context import TransportContext
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS
from pydantic import TypeAdapter
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from .jsonrpc import parse_json

__all__ = ["StatelessKernel", "plain_post"]

logger = logging.getLogger(__name__)
_dispatcher_logger = logging.getLogger("mcp.shared.jsonrpc_dispatcher")  # its name

_TRANSPORT: Final = TransportContext(kind="streamable-http", can_send_request=False)
_PING_INTERVAL: Final = 15.0  # sse-starlette's default, which the SDK uses
_SSE_HEADERS: Final = [
    (b"cache-control", b"no-cache, no-transform"),
    (b"connection", b"keep-alive"),
    (b"content-type", b"text/event-stream"),
    (b"x-accel-buffering", b"no"),
]
_JSON: Final = b"application/json"
_to_json: Final = TypeAdapter[Any](Any).dump_json  # as the SDK's models dump
_VERSIONS: Final = (*HANDSHAKE_PROTOCOL_VERSIONS, *MODERN_PROTOCOL_VERSIONS)
# Streams of their own: left to the SDK.
_SDK_METHODS: Final = frozenset({"subscriptions/listen"})


def plain_post(scope: Scope, json_response: bool) -> str | None:
    """The protocol version of a POST the SDK would take as is, else None.

    "" when there is no MCP-Protocol-Version header. The SDK's checks, in its
    order: Content-Type (starts with, then is, application/json), the version
    header (a handshake-era one), Accept (JSON, and event streams unless
    `json_response`; wildcards count).
    """
    content_type = accept = version = None
    for name, value in scope["headers"]:
        if name == b"content-type" and content_type is None:
            content_type = value
        elif name == b"accept" and accept is None:
            accept = value
        elif name == b"mcp-protocol-version" and version is None:
            version = value
    if content_type is None:
        return None
    content_type = content_type.lower()
    if not content_type.startswith(_JSON):
        return None
    parts = content_type.split(b";")[0].split(b",")
    if not any(part.strip() == _JSON for part in parts):
        return None
    if version is None:
        found = ""
    else:
        found = version.decode("latin-1")
        if found not in _VERSIONS:
            return None
    kinds = [
        kind.split(b";")[0].strip().lower() for kind in (accept or b"").split(b",")
    ]
    wildcard = b"*/*" in kinds
    if not (wildcard or _JSON in kinds or b"application/*" in kinds):
        return None
    if json_response or wildcard:
        return found
    return found if b"text/event-stream" in kinds or b"text/*" in kinds else None


class _Exchange:
    """The `DispatchContext` of one request: notifications go out as SSE frames."""

    def __init__(
        self,
        request_id: mcp_types.RequestId,
        params: Mapping[str, Any] | None,
        metadata: ServerMessageMetadata,
        send: Send | None,
    ) -> None:
        self.transport = _TRANSPORT
        self.can_send_request = False
        self.request_id = request_id
        self.message_metadata = metadata
        self._progress_token = progress_token_from_params(params)
        self._send = send  # None: JSON mode, or the request is settled
        self._cancel: anyio.Event | None = None

    @property
    def cancel_requested(self) -> anyio.Event:
        if self._cancel is None:  # never set here: a stateless POST has no peer cancel
            self._cancel = anyio.Event()
        return self._cancel

    @property
    def settled(self) -> bool:  # in event-stream mode: the answer is on its way
        return self._send is None

    def close(self) -> None:
        self._send = None

    async def send_raw_request(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        opts: CallOptions | None = None,
    ) -> dict[str, Any]:
        raise NoBackChannelError(method)

    async def notify(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        opts: CallOptions | None = None,
    ) -> None:
        send = self._send
        if send is None:
            return
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = dict(params)
        try:
            await send(_frame(message))
        except OSError:  # the client left; the watcher cancels the handler
            logger.debug("dropped %s: client gone", method)

    async def progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        if self._progress_token is None:
            return
        params: dict[str, Any] = {"progressToken": self._progress_token}
        params["progress"] = progress
        if total is not None:
            params["total"] = total
        if message is not None:
            params["message"] = message
        await self.notify("notifications/progress", params)


def _frame(message: dict[str, Any], more: bool = True) -> dict[str, Any]:
    data = _to_json(message)
    body = b"event: message\r\ndata: " + data + b"\r\n\r\n"
    return {"type": "http.response.body", "body": body, "more_body": more}


class StatelessKernel:
    """Answers a stateless handshake-era request POST (see the module docstring)."""

    def __init__(
        self, server: Server[Any], manager: StreamableHTTPSessionManager
    ) -> None:
        self._server = server
        self._manager = manager
        self.json_response = manager.json_response
        self._modern = None
        if os.environ.get("MCPMINT_KERNEL_MODERN") == "1":
            # Imported only here: it uses the SDK's private single-exchange module.
            from .stateless_modern import ModernKernel

            self._modern = ModernKernel(server, manager)

    async def answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        body: bytes,
        version: str,
    ) -> bool:
        """Answer the request in `body` (passed `check_document` and `plain_post`).

        False, with nothing sent, for a request left to the SDK.
        """
        if version in MODERN_PROTOCOL_VERSIONS:
            modern = self._modern
            return modern is not None and await modern.answer(
                scope, receive, send, body
            )
        document = parse_json(body)
        if document["method"] in _SDK_METHODS:
            return False
        request = Request(scope, receive)
        request._body = body  # as the SDK's transport leaves it: already read
        metadata = ServerMessageMetadata(
            request_context=request, can_send_request=not self.json_response
        )
        request_id = document["id"]
        params = document.get("params")
        connection = Connection.from_envelope(
            version or mcp_types.DEFAULT_NEGOTIATED_VERSION, None, None
        )
        if self.json_response:
            exchange = _Exchange(request_id, params, metadata, None)
            reply = await self._run(exchange, document["method"], params, connection)
            data = _to_json(reply)
            headers = [
                (b"content-type", _JSON),
                (b"content-length", str(len(data)).encode()),
            ]
            await send(
                {"type": "http.response.start", "status": 200, "headers": headers}
            )
            await send({"type": "http.response.body", "body": data})
            return True
        await send(
            {"type": "http.response.start", "status": 200, "headers": _SSE_HEADERS}
        )
        exchange = _Exchange(request_id, params, metadata, send)
        async with anyio.create_task_group() as group:
            group.start_soon(_watch, receive, send, exchange, group.cancel_scope)
            reply = await self._run(exchange, document["method"], params, connection)
            await send(_frame(reply, more=False))
            group.cancel_scope.cancel()
        return True

    async def _run(
        self,
        exchange: _Exchange,
        method: str,
        params: Mapping[str, Any] | None,
        connection: Connection,
    ) -> dict[str, Any]:
        """The JSON-RPC answer, as the SDK's dispatcher words it."""
        request_id = exchange.request_id
        try:
            result = await serve_one(
                self._server,
                exchange,
                method,
                params,
                connection=connection,
                # Entered once by the manager's run(); the SDK offers no accessor.
                lifespan_state=self._manager._lifespan_state,
            )
        except Exception as exc:
            error = handler_exception_to_error_data(exc)
            if error is None:
                _dispatcher_logger.exception("handler for %r raised", method)
                error = mcp_types.ErrorData(code=0, message=str(exc))
            data = error.model_dump(mode="json", by_alias=True, exclude_unset=True)
            return {"jsonrpc": "2.0", "id": request_id, "error": data}
        finally:
            exchange.close()
        return {"jsonrpc": "2.0", "id": request_id, "result": result}


async def _watch(
    receive: Receive, send: Send, exchange: _Exchange, handler: anyio.CancelScope
) -> None:
    """Cancel the handler when the client leaves; ping while it runs."""
    while True:
        with anyio.move_on_after(_PING_INTERVAL):
            message = await receive()
            if message["type"] == "http.disconnect":
                if not exchange.settled:  # still running: the client left
                    handler.cancel()
                return
            continue
        if exchange.settled:
            return
        ping = f": ping - {datetime.now(UTC)}\r\n\r\n".encode()
        await send({"type": "http.response.body", "body": ping, "more_body": True})
