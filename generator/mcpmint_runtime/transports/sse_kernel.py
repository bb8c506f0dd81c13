"""Legacy SSE sessions on the SDK's session loop, without its SSE transport.

The SDK's `SseServerTransport` passes each POSTed message to the session through
a memory stream, and each message out through two more (its writer task, then
sse-starlette's response and the four tasks it runs) before it reaches the
socket; its debug lines format every message even when no one logs them. Here
a `GET /sse` stream is one session on the SDK's own loops (`session_loop`:
its dispatcher, `ServerRunner` and `Connection`, so both protocol eras,
server-to-client requests, cancellation and notifications are the SDK's), and
each message out is written as an SSE frame straight to the response.

The SDK's bytes on the wire: the same headers, the `endpoint` event, one
`event: message` frame per message, `: ping - <time>` every 15 s, a closing
empty chunk when the session ends (at shutdown); the same checks and answers
to a POST (Content-Type, Host and Origin, 400 for a missing or malformed
session id, 404 for an unknown one or another credential's, 202 `Accepted`).
When the client leaves, the session's input ends and the SDK cancels its
calls. `MCPMINT_SDK_SSE=1` serves SSE with the SDK's transport instead.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote
from uuid import UUID, uuid4

import anyio
import mcp.server.sse
import mcp_types
from mcp.server.auth.middleware.bearer_auth import (
    AuthenticatedUser,
    AuthorizationContext,
    authorization_context,
)
from mcp.server.lowlevel import Server
from mcp.server.transport_security import (
    TransportSecurityMiddleware,
    TransportSecuritySettings,
)
from mcp.shared.message import ServerMessageMetadata, SessionMessage
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .drain import Pending
from .session_loop import Inbox, serve_session
from .shutdown import Shutdown

__all__ = ["SseKernel"]

logger = logging.getLogger(__name__)

_PING_INTERVAL: Final = 15.0  # sse-starlette's default, which the SDK uses
_HEADERS: Final = [  # sse-starlette's, in its order
    (b"cache-control", b"no-store"),
    (b"connection", b"keep-alive"),
    (b"x-accel-buffering", b"no"),
    (b"content-type", b"text/event-stream; charset=utf-8"),
]
_ACCEPTED: Final = [(b"content-length", b"8")]  # starlette's Response("Accepted")


class _Session:
    """What a POST needs of its session: its input and who opened it."""

    __slots__ = ("inbox", "owner", "pending")

    def __init__(
        self, inbox: Inbox, owner: AuthorizationContext | None, pending: Pending
    ) -> None:
        self.inbox = inbox
        self.owner = owner
        self.pending = pending


class _Outbox:
    """The session's write stream: each message one SSE frame on the response."""

    def __init__(self, send: Send, pending: Pending) -> None:
        self._send = send
        self._pending = pending
        self._lock = anyio.Lock(fast_acquire=True)  # frames and pings never mix
        self.gone = False  # the client left (or the server is exiting)

    async def send(self, item: SessionMessage, /) -> None:
        message = item.message
        data = message.model_dump_json(by_alias=True, exclude_unset=True)
        await self.write(b"event: message\r\ndata: " + data.encode() + b"\r\n\r\n")
        self._pending.sent(message)

    async def write(self, frame: bytes, more: bool = True) -> None:
        if self.gone:
            return
        async with self._lock:
            try:
                await self._send(
                    {"type": "http.response.body", "body": frame, "more_body": more}
                )
            except OSError:  # ASGI 2.4 servers: the client has gone
                self.gone = True

    async def aclose(self) -> None:
        pass  # the stream itself ends when the session does

    async def __aenter__(self) -> _Outbox:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        pass


class SseKernel:
    """`GET /sse` (this ASGI app) and `post` for `POST /messages/`."""

    def __init__(
        self,
        server: Server[Any],
        security: TransportSecuritySettings,
        shutdown: Shutdown,
        endpoint: str = "/messages/",
    ) -> None:
        self._server = server
        self._security = TransportSecurityMiddleware(security)
        self._shutdown = shutdown
        self._endpoint = endpoint
        self._sessions: dict[UUID, _Session] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        refused = await self._security.validate_request(request, is_post=False)
        if refused is not None:
            await refused(scope, receive, send)
            logger.debug("SSE connection refused: %s", refused.status_code)
            return
        start = {"type": "http.response.start", "status": 200, "headers": _HEADERS}
        if scope["method"] == "HEAD":  # sse-starlette: headers, no stream
            await send(start)
            await send({"type": "http.response.body", "body": b""})
            return
        session_id = uuid4()
        user = scope.get("user")
        owner = (
            authorization_context(user) if isinstance(user, AuthenticatedUser) else None
        )
        inbox = Inbox()
        pending = Pending(self._shutdown.drain)
        self._sessions[session_id] = _Session(inbox, owner, pending)
        path = scope.get("root_path", "").rstrip("/") + self._endpoint
        endpoint = f"{quote(path)}?session_id={session_id.hex}".encode()
        outbox = _Outbox(send, pending)
        try:
            await send(start)
            await outbox.write(b"event: endpoint\r\ndata: " + endpoint + b"\r\n\r\n")
            async with anyio.create_task_group() as group:
                group.start_soon(_watch, receive, outbox, inbox)
                group.start_soon(_ping, outbox)
                group.start_soon(_exit_signal, inbox)
                # At shutdown the input ends: the server flushes, the stream closes.
                with self._shutdown.session(inbox.close):
                    server = self._server
                    async with server.lifespan(server) as state:
                        await serve_session(
                            server,
                            inbox,
                            outbox,
                            lifespan_state=state,
                            init_options=server.create_initialization_options(),
                        )
                group.cancel_scope.cancel()
            await outbox.write(b"", more=False)
        finally:
            self._sessions.pop(session_id, None)
            pending.close()
            inbox.close()
            logger.debug("SSE session %s ended", session_id)

    async def post(
        self, scope: Scope, receive: Receive, send: Send, body: bytes
    ) -> None:
        """A POST /messages/ whose `body` passed `checked_post`: the SDK's answers."""
        request = Request(scope, receive)
        refused = await self._security.validate_request(request, is_post=True)
        if refused is None:
            refused, session = self._session(request, scope)
        if refused is not None:
            await refused(scope, receive, send)
            return
        assert session is not None
        try:
            message = mcp_types.jsonrpc_message_adapter.validate_json(
                body, by_name=False
            )
        except ValidationError as exc:
            logger.warning("Could not parse message: %s", exc)
            await Response("Could not parse message", status_code=400)(
                scope, receive, send
            )
            _deliver(session.inbox, exc)
            return
        metadata = ServerMessageMetadata(request_context=request)
        await send({"type": "http.response.start", "status": 202, "headers": _ACCEPTED})
        await send({"type": "http.response.body", "body": b"Accepted"})
        session.pending.received(message)
        _deliver(session.inbox, SessionMessage(message, metadata=metadata))

    def _session(
        self, request: Request, scope: Scope
    ) -> tuple[Response | None, _Session | None]:
        """The session a POST names, or the SDK's answer when there is none."""
        query: bytes = scope["query_string"]
        if len(query) == 43 and query.startswith(b"session_id="):
            value: str | None = query[11:].decode("latin-1")  # as the endpoint gave it
            if not query[11:].isalnum():  # to decode: %-escapes, +, &...
                value = request.query_params.get("session_id")
        else:
            value = request.query_params.get("session_id")
        if value is None:
            logger.warning("Received request without session_id")
            return Response("session_id is required", status_code=400), None
        try:
            session_id = UUID(hex=value)
        except ValueError:
            logger.warning("Received invalid session ID: %s", value)
            return Response("Invalid session ID", status_code=400), None
        session = self._sessions.get(session_id)
        user = scope.get("user")
        caller = (
            authorization_context(user) if isinstance(user, AuthenticatedUser) else None
        )
        if session is None or caller != session.owner:
            # Another credential's session is answered as if it did not exist.
            logger.warning("Could not find session for ID: %s", session_id)
            return Response("Could not find session", status_code=404), None
        return None, session


def _deliver(inbox: Inbox, item: SessionMessage | Exception) -> None:
    if not inbox.put(item):
        logger.debug("SSE message dropped: its session has ended")


async def _watch(receive: Receive, outbox: _Outbox, inbox: Inbox) -> None:
    """End the session's input when the client leaves (the SDK cancels its calls)."""
    while (await receive())["type"] != "http.disconnect":
        pass
    outbox.gone = True
    inbox.close()


async def _ping(outbox: _Outbox) -> None:
    while True:
        await anyio.sleep(_PING_INTERVAL)
        await outbox.write(f": ping - {datetime.now(UTC)}\r\n\r\n".encode())


async def _exit_signal(inbox: Inbox) -> None:
    """Under a plain uvicorn, its exit ends the stream, as on the SDK's transport.

    The SDK's SSE response class (sse-starlette's, loaded with `mcp.server.sse`)
    hooks uvicorn's exit; `serve` ends sessions itself, after its drain.
    """
    response_class = getattr(mcp.server.sse, "EventSourceResponse", None)
    listen = getattr(response_class, "_listen_for_exit_signal", None)
    if listen is None:
        return  # another version: `serve`'s own drain still ends sessions
    await listen()
    inbox.close()
