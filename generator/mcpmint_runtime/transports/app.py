"""The ASGI app: Streamable HTTP at /mcp, SSE at /sse + /messages/, WebSocket at /ws.

Plus `GET /healthz`. Every route but /healthz is behind the request guard
(Host, Origin, bearer token); the SDK's transports check Host and Origin again.
A POST whose body is JSON but no JSON-RPC message is answered here with -32600
(see `jsonrpc`); request POSTs go to the SDK's kernel when they can (stateless:
`stateless_kernel`; stateful sessions: `session_kernel`); a POST that
reuses the id of a request in flight in its SDK session waits for that one.
Run it with `python -m <package> serve`, or under your own ASGI server:

    app = create_app(server, transports=("http", "websocket"), token="...")
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

import anyio
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import (
    StreamableHTTPASGIApp,
    StreamableHTTPSessionManager,
)
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import metrics, redact
from ..lifecycle import process_scope
from ..subscriptions import bus_scope
from .observe import METRICS_PATH, metrics_routes
from .posts import checked_post, post_headers, replay
from .security import OPEN_PATHS, RequestGuard
from .session_kernel import SessionKernel
from .session_route import SessionRoute
from .settings import NetworkSettings
from .shutdown import Shutdown
from .sse_routes import sse_routes
from .stateless_kernel import StatelessKernel, plain_post
from .websocket import WebSocketEndpoint

__all__ = ["NetworkSettings", "build_app", "create_app"]

logger = logging.getLogger(__name__)

TRANSPORTS = ("http", "sse", "websocket")


# NetworkSettings fields that belong to the ASGI server running the app: `serve`
# applies them; `create_app` refuses them rather than ignore them.
SERVER_SETTINGS = {
    "port": "uvicorn --port",
    "log_level": "uvicorn --log-level",
    "grace_period": "uvicorn --timeout-graceful-shutdown",
    "ws_ping_interval": "uvicorn --ws-ping-interval",
    "tls_cert": "uvicorn --ssl-certfile",
    "tls_key": "uvicorn --ssl-keyfile",
}


def create_app(
    server: Server[Any],
    *,
    transports: Collection[str] = TRANSPORTS,
    **settings: Any,
) -> Starlette:
    """An app for your own ASGI server; `settings` are `NetworkSettings` fields,
    except those of the ASGI server itself (`SERVER_SETTINGS`: a TypeError)."""
    for name in settings:
        if name in SERVER_SETTINGS:
            raise TypeError(
                f"create_app() does not take {name!r}: it is a setting of the "
                f"ASGI server running the app ({SERVER_SETTINGS[name]})"
            )
    return build_app(
        server, transports=transports, settings=NetworkSettings(**settings)
    )


def build_app(
    server: Server[Any],
    *,
    transports: Collection[str],
    settings: NetworkSettings,
    shutdown: Shutdown | None = None,
) -> Starlette:
    """The Starlette app serving `server` over the given network transports."""
    unknown = set(transports) - set(TRANSPORTS)
    if unknown or not transports:
        raise ValueError(f"transports must be a non-empty subset of {TRANSPORTS}")
    shutdown = shutdown or Shutdown()
    redact.add_secret(settings.token)  # under any ASGI server, in any log line
    redact.install()
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=settings.effective_allowed_hosts(),
        allowed_origins=settings.effective_allowed_origins(),
    )
    routes: list[BaseRoute] = [Route("/healthz", _Health(shutdown), methods=["GET"])]
    manager: StreamableHTTPSessionManager | None = None
    if "http" in transports:
        manager = StreamableHTTPSessionManager(
            app=server,
            json_response=settings.json_response,
            stateless=settings.stateless,
            security_settings=security,
            max_request_body_size=settings.max_body_size,
            # 0 or None: sessions live until DELETEd; no limit on their number.
            session_idle_timeout=settings.session_idle_timeout or None,
            max_sessions=settings.max_sessions or None,
        )
        kernel = sessions = None
        if settings.stateless and os.environ.get("MCPMINT_SDK_STATELESS") != "1":
            kernel = StatelessKernel(server, manager)
        elif SessionKernel.wanted(manager):
            sessions = SessionKernel(server, manager)
        http = _HttpEndpoint(
            StreamableHTTPASGIApp(manager),
            shutdown,
            max_body_size=settings.max_body_size,
            stateful=not settings.stateless,
            kernel=kernel,
            sessions=sessions,
        )
        mcp_http: ASGIApp = http
        if settings.session_route and not settings.stateless:
            mcp_http = SessionRoute(http, settings.session_route)  # a proxy's map
        routes.append(Route("/mcp", mcp_http, methods=["GET", "POST", "DELETE"]))
    if "sse" in transports:
        routes += sse_routes(server, security, shutdown, settings.max_body_size)
    if "websocket" in transports:
        endpoint = WebSocketEndpoint(server, shutdown, max_size=settings.ws_max_size)
        routes.append(WebSocketRoute("/ws", endpoint))
    open_paths = OPEN_PATHS
    if settings.metrics or metrics.current() is not None:  # --metrics[-port]
        routes += metrics_routes(server, manager, shutdown, route=settings.metrics)
        open_paths = OPEN_PATHS | {METRICS_PATH}
    guard = Middleware(
        RequestGuard,
        allowed_hosts=security.allowed_hosts,
        allowed_origins=security.allowed_origins,
        token=settings.token,
        refuse_new_work=shutdown.refuses,
        open_paths=open_paths,
    )
    middleware = [guard]
    if settings.oauth is not None:  # after Host and Origin: tokens, scopes, metadata
        if settings.token is not None:
            raise ValueError("a static token and OAuth exclude each other")
        # Imported only here: a server without OAuth never loads PyJWT.
        from .oauth_guard import OAuthGuard, install_scope_check

        oauth = settings.oauth
        limit = settings.max_body_size
        middleware.append(Middleware(OAuthGuard, settings=oauth, max_body_size=limit))
        install_scope_check(server, oauth)
    lifespan = _lifespan(server, manager)
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def _lifespan(
    server: Server[Any], manager: StreamableHTTPSessionManager | None
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # A mounted app's lifespan never runs: the session manager runs here.
        async with AsyncExitStack() as stack:
            # The user's lifespan hook, once for the process (sessions share it).
            await stack.enter_async_context(bus_scope(server))  # --bus-url's Redis
            await stack.enter_async_context(process_scope(server))
            if manager is not None:
                await stack.enter_async_context(manager.run())
            yield

    return lifespan


class _Health:
    """GET /healthz: 200 while serving, 503 once draining (load balancers move on)."""

    def __init__(self, shutdown: Shutdown) -> None:
        self._shutdown = shutdown

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        draining = self._shutdown.drain.draining
        body = {"status": "draining" if draining else "ok"}
        response = JSONResponse(body, status_code=503 if draining else 200)
        await response(scope, receive, send)


class _HttpEndpoint:
    """Streamable HTTP: POSTs checked and counted for the drain, GET streams endable."""

    def __init__(
        self,
        app: ASGIApp,
        shutdown: Shutdown,
        *,
        max_body_size: int,
        stateful: bool,
        kernel: StatelessKernel | None = None,
        sessions: SessionKernel | None = None,
    ) -> None:
        self._app = app
        self._kernel = kernel
        self._sessions = sessions
        self._shutdown = shutdown
        self._max_body_size = max_body_size
        self._stateful = stateful
        # (session id, str(request id)) of each request in flight, and the POSTs
        # with the same id waiting for it to be answered.
        self._in_flight: dict[tuple[str, str], list[anyio.Event]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] == "POST":
            await self._shutdown.run_counted(self._post, scope, receive, send)
        elif scope["method"] == "GET":
            await self._shutdown.run_stream(self._app, scope, receive, send)
        else:
            await self._app(scope, receive, send)

    async def _post(self, scope: Scope, receive: Receive, send: Send) -> None:
        length, session, _ = post_headers(scope)
        # Both protocol eras: the SDK's answers to what is no message differ.
        checked = await checked_post(scope, receive, send, length, self._max_body_size)
        if checked is None:
            return
        body, request_id = checked
        if request_id is not None and self._kernel is not None:
            version = plain_post(scope, self._kernel.json_response)
            # None: the SDK refuses it, or it is of the 2026-07-28 era.
            if version is not None and await self._kernel.answer(
                scope, receive, send, body, version
            ):
                return
        if self._sessions is not None and session is not None:
            if request_id is None:
                self._sessions.cancel(session, body)
            elif await self._sessions.answer(scope, receive, send, body, session):
                return
        replayed = replay(body, receive)
        if request_id is None or session is None or not self._stateful:
            await self._app(scope, replayed, send)
            return
        # The SDK routes a session's answers by request id: a second POST with a
        # live id would take over the first one's stream. It waits its turn.
        key = (session, str(request_id))  # the SDK's key: 7 and "7" are one
        while (waiting := self._in_flight.get(key)) is not None:
            turn = anyio.Event()
            waiting.append(turn)
            await turn.wait()
        self._in_flight[key] = []
        try:
            await self._app(scope, replayed, send)
        finally:
            for turn in self._in_flight.pop(key):
                turn.set()
