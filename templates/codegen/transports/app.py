"""The ASGI app: Streamable HTTP at /mcp, SSE at /sse + /messages/, WebSocket at /ws.

Plus `GET /healthz`. Every route but /healthz is behind the request guard
(Host, Origin, bearer token); the SDK's transports check Host and Origin again.
Run it with `python -m <package> serve`, or under your own ASGI server:

    app = create_app(server, transports=("http", "websocket"), token="...")
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from mcp.server.lowlevel import Server
from mcp.server.sse import SseServerTransport
from mcp.server.streamable_http_manager import (
    StreamableHTTPASGIApp,
    StreamableHTTPSessionManager,
)
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from .drain import CountedReadStream, CountedWriteStream, Pending
from .security import RequestGuard
from .settings import NetworkSettings
from .shutdown import Shutdown
from .websocket import WebSocketEndpoint

__all__ = ["NetworkSettings", "build_app", "create_app"]

logger = logging.getLogger(__name__)

TRANSPORTS = ("http", "sse", "websocket")


def create_app(
    server: Server[Any],
    *,
    transports: Collection[str] = TRANSPORTS,
    **settings: Any,
) -> Starlette:
    """An app for your own ASGI server; `settings` are `NetworkSettings` fields."""
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
        )
        http = _HttpEndpoint(StreamableHTTPASGIApp(manager), shutdown)
        routes.append(Route("/mcp", http, methods=["GET", "POST", "DELETE"]))
    if "sse" in transports:
        sse = SseServerTransport(
            "/messages/",
            security_settings=security,
            max_request_body_size=settings.max_body_size,
        )
        routes.append(
            Route("/sse", _SseEndpoint(server, sse, shutdown), methods=["GET"])
        )
        routes.append(Mount("/messages/", app=sse.handle_post_message))
    if "websocket" in transports:
        routes.append(WebSocketRoute("/ws", WebSocketEndpoint(server, shutdown)))
    guard = Middleware(
        RequestGuard,
        allowed_hosts=security.allowed_hosts,
        allowed_origins=security.allowed_origins,
        token=settings.token,
        refuse_new_work=shutdown.refuses,
    )
    return Starlette(routes=routes, middleware=[guard], lifespan=_lifespan(manager))


def _lifespan(
    manager: StreamableHTTPSessionManager | None,
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # A mounted app's lifespan never runs: the session manager runs here.
        async with AsyncExitStack() as stack:
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
    """Streamable HTTP: POSTs counted for the drain, GET streams endable."""

    def __init__(self, app: ASGIApp, shutdown: Shutdown) -> None:
        self._app = app
        self._shutdown = shutdown

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] == "POST":
            await self._shutdown.run_counted(self._app, scope, receive, send)
        elif scope["method"] == "GET":
            await self._shutdown.run_stream(self._app, scope, receive, send)
        else:
            await self._app(scope, receive, send)


class _SseEndpoint:
    """GET /sse: one server session per event stream."""

    def __init__(
        self, server: Server[Any], sse: SseServerTransport, shutdown: Shutdown
    ) -> None:
        self._server = server
        self._sse = sse
        self._shutdown = shutdown

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            async with self._sse.connect_sse(scope, receive, send) as (read, write):
                pending = Pending(self._shutdown.drain)
                counted = CountedReadStream(read, pending)
                # At shutdown the input ends: the server flushes, the stream closes.
                with self._shutdown.session(counted.end_input):
                    await self._server.run(
                        counted,
                        CountedWriteStream(write, pending),
                        self._server.create_initialization_options(),
                    )
        except ValueError as exc:  # refused by the SDK's checks, answer already sent
            logger.debug("SSE connection refused: %s", exc)
