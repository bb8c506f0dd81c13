"""`/metrics` on the network app (`--metrics`), and the open sessions it counts.

`/metrics` is open like `/healthz`: no bearer token and no Host check, because a
scraper addresses the pod by its IP and holds no client's token. It shows counts
and durations by method and tool name, never arguments or tokens. To keep it off
the public port, serve it on a loopback port instead (`--metrics-port`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from .. import metrics as observe
from .shutdown import Shutdown

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

METRICS_PATH = "/metrics"


def metrics_routes(
    server: Server[Any],
    manager: StreamableHTTPSessionManager | None,
    shutdown: Shutdown,
    *,
    route: bool,
) -> list[BaseRoute]:
    """Instrument `server` and count the app's sessions; the `/metrics` route, if
    `route` (`--metrics-port` serves them elsewhere)."""
    metrics = observe.enable()
    observe.instrument(server, metrics)
    if manager is not None:
        # The SDK keeps no public count of its stateful sessions.
        metrics.count_sessions(lambda: len(manager._server_instances))
    metrics.count_sessions(shutdown.open_sessions)  # SSE streams, WebSockets
    if not route:
        return []
    return [Route(METRICS_PATH, _Exposition(metrics), methods=["GET"])]


class _Exposition:
    def __init__(self, metrics: observe.Metrics) -> None:
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body, content_type = self._metrics.exposition()
        headers = [
            (b"content-type", content_type.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
