"""Stateful Streamable HTTP sessions: request POSTs answered on the SDK's kernel.

The SDK's session transport hands each request POST through memory streams to
the session's dispatcher task and back (a request stream, a router, a spawned
handler task, an sse-starlette response): more CPU than a small call. Here a
request POST of a known session is answered in its own task by a `ServerRunner`
on the session's own `Connection` (the one the SDK's loop built, captured by a
server middleware when `initialize` is answered): the same handlers,
middleware, client capabilities, negotiated version and standalone channel, and
the SDK's bytes on the wire: with `--json-response` one JSON body with the
`Mcp-Session-Id` header, else an event stream (`session_events`).

Everything else stays with the SDK's session manager: `initialize` (creating the
session, the session limit), GET streams, DELETE, notification and response
POSTs, unknown or foreign session ids, the idle timeout (the session's idle
clock is held while a call runs here, as the SDK's transport holds it),
requests the SDK refuses (`answer` returns False, nothing sent), and servers
with an event store (none in the runtime). `notifications/cancelled` cancels a
call (answer: -32800 "Request cancelled"). With JSON bodies, as in the SDK, a
request's own notifications are dropped, server-to-client requests tied to a
call raise `NoBackChannelError`, and a session ended mid-call answers 500
"Session terminated before the request completed". `MCPMINT_SDK_SESSIONS=1`
sends every POST to the SDK.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Awaitable
from typing import Any, Final

import anyio
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.runner import ServerRunner
from mcp.server.streamable_http import StreamableHTTPServerTransport
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.dispatcher import coerce_request_id
from mcp.shared.jsonrpc_dispatcher import (
    JSONRPCDispatcher,
    cancelled_request_id_from_params,
)
from mcp.shared.message import ServerMessageMetadata
from mcp.shared.transport_context import TransportContext
from mcp_types import RequestId
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from .exchange import Exchange, frame, reply, to_json
from .jsonrpc import parse_json
from .session_events import EventExchange, forward, stream_start, watch
from .stateless_kernel import plain_post

__all__ = ["SessionKernel"]

logger = logging.getLogger(__name__)

# What the SDK's dispatcher builds for a JSON-response session's request.
_JSONRPC: Final = TransportContext(kind="jsonrpc", can_send_request=False)
_VERSIONS: Final = frozenset({"", *HANDSHAKE_PROTOCOL_VERSIONS})
_REQUEST_CANCELLED: Final = -32800  # the SDK's answer to a call its client cancelled
_ENDED: Final = to_json(
    {
        "jsonrpc": "2.0",
        "id": None,
        "error": {
            "code": -32603,
            "message": "Session terminated before the request completed",
        },
    }
)


class _Session:
    """One session's runner and the calls it is answering here."""

    __slots__ = ("calls", "dispatcher", "ended", "header", "runner")

    def __init__(
        self,
        runner: ServerRunner[Any],
        session_id: str,
        dispatcher: JSONRPCDispatcher[Any] | None,  # None: JSON responses
    ) -> None:
        self.runner = runner
        self.dispatcher = dispatcher
        self.header = (b"mcp-session-id", session_id.encode())
        self.ended = False
        # Request id (the SDK's key: 7 and "7" are one) -> its calls in flight.
        self.calls: dict[RequestId, list[tuple[Exchange, anyio.CancelScope]]] = {}

    def end(self) -> None:
        """The SDK closed the session (DELETE, idle timeout, shutdown)."""
        self.ended = True
        for calls in self.calls.values():
            for _, scope in calls:
                scope.cancel()


class SessionKernel:
    """Answers request POSTs of stateful sessions (see the module docstring)."""

    def __init__(
        self, server: Server[Any], manager: StreamableHTTPSessionManager
    ) -> None:
        self._server = server
        self._manager = manager
        self._events = not manager.json_response
        self._sessions: dict[str, _Session] = {}
        # One capture per server: an earlier app's (a rebuilt app) is dropped.
        kept = [m for m in server.middleware if not _is_capture(m)]
        server.middleware[:] = [*kept, self._capture]

    @staticmethod
    def wanted(manager: StreamableHTTPSessionManager) -> bool:
        """Whether a stateful manager's request POSTs come here: unless
        `MCPMINT_SDK_SESSIONS=1`, or an event store (resumability) is set."""
        sdk = os.environ.get("MCPMINT_SDK_SESSIONS") == "1"
        return not sdk and manager.event_store is None

    async def _capture(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        """Server middleware: learn a session's `Connection` from its `initialize`."""
        result = await call_next(ctx)
        if ctx.method == "initialize":
            connection = ctx.session._connection  # the SDK offers no accessor
            session_id = connection.session_id
            dispatcher = connection.outbound  # the session's SDK dispatcher
            if (
                session_id is not None
                and session_id in self._manager._server_instances
                and session_id not in self._sessions
                and isinstance(dispatcher, JSONRPCDispatcher)
            ):
                state = self._manager._lifespan_state  # entered once by run()
                runner = ServerRunner(self._server, connection, state)
                events = dispatcher if self._events else None
                session = _Session(runner, session_id, events)
                self._sessions[session_id] = session
                connection.exit_stack.callback(self._forget, session_id, session)
        return result

    def _forget(self, session_id: str, session: _Session) -> None:
        if self._sessions.get(session_id) is session:
            del self._sessions[session_id]
        session.end()

    def cancel(self, session_id: str, body: bytes) -> None:
        """A notification POST: a `notifications/cancelled` for a call answered here
        cancels it (the SDK's dispatcher, which sees it next, knows no such call)."""
        session = self._sessions.get(session_id)
        if (
            session is None
            or not session.calls
            or b"notifications/cancelled" not in body
        ):
            return
        document = parse_json(body)
        if document.get("method") != "notifications/cancelled":
            return
        request_id = cancelled_request_id_from_params(document.get("params"))
        if request_id is None:
            return
        for exchange, scope in session.calls.get(coerce_request_id(request_id), ()):
            exchange.cancel_requested.set()
            scope.cancel()

    async def answer(
        self, scope: Scope, receive: Receive, send: Send, body: bytes, session_id: str
    ) -> bool:
        """Answer the request in `body` (it passed `check_document`) if it is
        one of a session known here that the SDK would take as is, else False
        with nothing sent."""
        session = self._sessions.get(session_id)
        if session is None:
            return False
        transport = self._manager._server_instances.get(session_id)
        if (
            transport is None
            or transport.is_terminated
            # The SDK's owner check (a `user` set by an ASGI stack around us).
            or "user" in scope
            or self._manager._session_owners
        ):
            return False
        idle = transport.idle_scope
        if idle is not None and idle.cancel_called:
            return False  # the SDK answers that one as a terminated session
        if plain_post(scope, session.dispatcher is None) not in _VERSIONS:
            return False
        document = parse_json(body)
        method = document["method"]
        if method == "initialize":  # the SDK's answer to a second one
            return False
        call = self._call(session, transport, scope, receive, send, body, document)
        await _holding_idle_clock(transport, call)
        return True

    async def _call(
        self,
        session: _Session,
        transport: StreamableHTTPServerTransport,
        scope: Scope,
        receive: Receive,
        send: Send,
        body: bytes,
        document: dict[str, Any],
    ) -> None:
        request = Request(scope, receive)
        request._body = body  # as the SDK's transport leaves it: already read
        events = session.dispatcher is not None
        metadata = ServerMessageMetadata(
            request_context=request, can_send_request=events
        )
        request_id = document["id"]
        params = document.get("params")
        if session.dispatcher is None:
            exchange = Exchange(request_id, params, metadata, None, _JSONRPC)
            answer = await self._run(session, exchange, document)
            headers = [(b"content-type", b"application/json"), session.header]
            if answer is None:  # the session ended
                await _respond(send, 500, headers, _ENDED)
            else:
                await _respond(send, 200, headers, to_json(answer))
            return
        await send(stream_start(session.header))
        dispatcher = session.dispatcher
        exchange = EventExchange(request_id, params, metadata, send, dispatcher)
        async with anyio.create_task_group() as group:
            group.start_soon(watch, receive, send, exchange)
            await group.start(forward, transport, request_id, exchange)
            answer = await self._run(session, exchange, document)
            last = {"type": "http.response.body", "body": b"", "more_body": False}
            if answer is not None:  # else the session ended: no answer
                last = frame(answer, more=False)
            with contextlib.suppress(OSError):  # the client left
                await send(last)
            group.cancel_scope.cancel()

    async def _run(
        self, session: _Session, exchange: Exchange, document: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The answer, the cancelled call's, or None when the session ended."""
        method, params = document["method"], document.get("params")
        key = coerce_request_id(exchange.request_id)
        cancel = anyio.CancelScope()
        calls = session.calls.setdefault(key, [])
        calls.append((exchange, cancel))
        answer: dict[str, Any] | None = None
        try:
            with cancel:
                call = session.runner.on_request(exchange, method, params)
                answer = await reply(exchange, method, call)
        finally:
            calls.remove((exchange, cancel))
            if not calls:
                del session.calls[key]
        if session.ended and cancel.cancelled_caught:
            return None
        if answer is None or exchange.cancelled_by_peer:
            error = {"code": _REQUEST_CANCELLED, "message": "Request cancelled"}
            answer = {"jsonrpc": "2.0", "id": exchange.request_id, "error": error}
        return answer


def _is_capture(middleware: object) -> bool:
    return isinstance(getattr(middleware, "__self__", None), SessionKernel)


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], data: bytes
) -> None:
    headers.append((b"content-length", str(len(data)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def _holding_idle_clock(
    transport: StreamableHTTPServerTransport, call: Awaitable[None]
) -> None:
    """Run `call` as the SDK's transport runs a request: the session's idle
    countdown held while it runs, restarted when the last one is done."""
    idle = transport.idle_scope
    timeout = transport._idle_timeout
    if idle is None or timeout is None:
        await call
        return
    transport._requests_in_flight += 1
    idle.deadline = math.inf
    try:
        await call
    finally:
        transport._requests_in_flight -= 1
        if not transport._requests_in_flight:
            idle.deadline = anyio.current_time() + timeout
