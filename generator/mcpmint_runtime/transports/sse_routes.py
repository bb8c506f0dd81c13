"""The legacy SSE road: `GET /sse` event streams and `POST /messages/?session_id=`.

Served by `sse_kernel` (the SDK's session loops, frames written straight to the
response); `MCPMINT_SDK_SSE=1` serves it with the SDK's `SseServerTransport`
instead. POST bodies are
checked (size cap, JSON-RPC message) by `SsePosts` first on both paths.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from mcp.server.lowlevel import Server
from mcp.server.sse import SseServerTransport
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .drain import CountedReadStream, CountedWriteStream, Pending
from .posts import SsePosts
from .shutdown import Shutdown

__all__ = ["sse_routes"]

logger = logging.getLogger(__name__)


def sse_routes(
    server: Server[Any],
    security: TransportSecuritySettings,
    shutdown: Shutdown,
    max_body_size: int,
) -> list[BaseRoute]:
    """The two routes of the SSE road."""
    sse = SseServerTransport(
        "/messages/", security_settings=security, max_request_body_size=max_body_size
    )
    stream: ASGIApp = _SseEndpoint(server, sse, shutdown)
    kernel = None
    if os.environ.get("MCPMINT_SDK_SSE") != "1":
        try:
            from .sse_kernel import SseKernel
        except ImportError as exc:  # another SDK version
            logger.warning("SSE served by the SDK's transport: %s", exc)
        else:
            stream = kernel = SseKernel(server, security, shutdown)
    # Other methods than POST: the SDK's 405 on both paths.
    posts = SsePosts(sse.handle_post_message, max_body_size, kernel=kernel)
    return [Route("/sse", stream, methods=["GET"]), Mount("/messages/", app=posts)]


class _SseEndpoint:
    """GET /sse on the SDK's transport: one server session per event stream."""

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
