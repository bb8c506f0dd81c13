"""A 2026-07-28 request POST in `--stateless` mode, without the SDK's detours.

The SDK answers it with its single-exchange entry, already on the request
kernel, but per POST it builds its security middleware and a `Request` again,
and in event-stream mode runs the handler in a task of its own that hands its
notifications over a memory stream. Here the handler runs in the request's own
task and writes its notifications straight to the response; the SDK's
functions do the rest (checks, envelope, `Mcp-Param-*` headers, the error's
HTTP status, the frames), so the bytes are the SDK's:

- JSON when the handler ends within 15 s without a notification, else an
  event stream (the notifications, `: ping` every 15 s, then the answer);
- the handler cancelled when the client leaves.

What the SDK would refuse, and subscriptions/listen, stay with the SDK
(`answer` returns False before sending anything). Opt in with
`MCPMINT_KERNEL_MODERN=1` (see `app.py`).
"""

from __future__ import annotations

from typing import Any, Final

import anyio
import mcp_types
from mcp.server._streamable_http_modern import (
    _SSE_HEADERS,
    _mcp_param_rejection,
    _SingleExchangeDispatchContext,
    _sse_event,
    _to_jsonrpc_response,
    _write,
)
from mcp.server.connection import Connection
from mcp.server.lowlevel import Server
from mcp.server.runner import serve_one
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.inbound import (
    InboundLadderRejection,
    classify_inbound_request,
    find_duplicated_routing_header,
)
from mcp.shared.jsonrpc_dispatcher import progress_token_from_params
from mcp.shared.message import ServerMessageMetadata
from mcp.shared.transport_context import TransportContext
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from .jsonrpc import parse_json

__all__ = ["ModernKernel"]

_PING_INTERVAL: Final = 15.0  # the SDK's deferral window and ping interval
_PING: Final = b": ping\r\n\r\n"


class _Stream:
    """The response, JSON until something must be streamed (the SDK's "sink")."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.committed = False
        self.done = False

    async def commit(self) -> None:
        if not self.committed:
            self.committed = True
            start = {"type": "http.response.start", "status": 200}
            await self._send({**start, "headers": _SSE_HEADERS})

    async def send(self, event: bytes) -> None:
        if self.done:
            return
        await self.commit()
        try:
            await self._send(
                {"type": "http.response.body", "body": event, "more_body": True}
            )
        except OSError:  # the client left: the watcher cancels the handler
            self.done = True


class ModernKernel:
    """Answers a 2026-07-28 request POST (see the module docstring)."""

    def __init__(
        self, server: Server[Any], manager: StreamableHTTPSessionManager
    ) -> None:
        self._server = server
        self._manager = manager
        self.json_response = manager.json_response

    async def answer(
        self, scope: Scope, receive: Receive, send: Send, body: bytes
    ) -> bool:
        """False, with nothing sent, for a request left to the SDK."""
        decoded = parse_json(body)
        if decoded["method"] == "subscriptions/listen":
            return False
        request = Request(scope, receive)
        request._body = body
        if find_duplicated_routing_header(request.headers.items()) is not None:
            return False
        verdict = classify_inbound_request(decoded, headers=dict(request.headers))
        if isinstance(verdict, InboundLadderRejection):
            return False
        req = mcp_types.JSONRPCRequest.model_validate(decoded)
        state = self._manager._lifespan_state
        app = self._server
        if await _mcp_param_rejection(app, request, req, verdict, state) is not None:
            return False
        connection = Connection.from_envelope(
            verdict.protocol_version, verdict.client_info, verdict.client_capabilities
        )
        transport = TransportContext(
            kind="streamable-http", can_send_request=False, headers=request.headers
        )
        dctx = _SingleExchangeDispatchContext(
            transport=transport,
            request_id=req.id,
            message_metadata=ServerMessageMetadata(request_context=request),
            progress_token=progress_token_from_params(req.params),
        )
        call = serve_one(
            app,
            dctx,
            req.method,
            req.params,
            connection=connection,
            lifespan_state=state,
        )
        if self.json_response:
            await _write(await _to_jsonrpc_response(req.id, call), scope, receive, send)
            return True
        stream = _Stream(send)
        dctx.sink = stream  # type: ignore[assignment]  # duck-typed: send(bytes)
        async with anyio.create_task_group() as group:
            group.start_soon(_watch, receive, stream, group.cancel_scope)
            reply = await _to_jsonrpc_response(req.id, call)
            stream.done = True
            if stream.committed:
                final = _sse_event(reply)
                await send(
                    {"type": "http.response.body", "body": final, "more_body": False}
                )
            else:
                await _write(reply, scope, receive, send)
            group.cancel_scope.cancel()
        return True


async def _watch(receive: Receive, stream: _Stream, handler: anyio.CancelScope) -> None:
    """Cancel the handler when the client leaves; past 15 s, stream and ping."""
    while True:
        with anyio.move_on_after(_PING_INTERVAL):
            message = await receive()
            if message["type"] == "http.disconnect":
                if not stream.done:
                    handler.cancel()
                return
            continue
        if stream.done:
            return
        await stream.send(_PING)
