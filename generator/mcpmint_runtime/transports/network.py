"""Run the network app on uvicorn, with a graceful shutdown on SIGTERM/SIGINT.

uvicorn's own signal handling closes WebSockets and event streams at once and
re-raises the signal after shutdown (exit status -15); this module handles the
signals itself: drain, end the streams, let uvicorn finish, and exit 0.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

import anyio
import uvicorn

from .app import build_app
from .drain import stop_on_signals
from .settings import NetworkSettings
from .shutdown import Shutdown

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

logger = logging.getLogger(__name__)

_LINGER = 3  # after the drain, how long uvicorn may wait for stragglers


class _RefusedHandshakeFilter(logging.Filter):
    """Drops uvicorn's error after a handshake we refused with an HTTP answer.

    uvicorn's websockets implementation logs it even when the app answered
    through the ASGI denial extension (401, 403, 421 ...), which is no error.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("ASGI callable returned without")


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: `serve_network` installs its own."""

    transports: Collection[str] = ()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.servers and self.servers[0].sockets:
            port = self.servers[0].sockets[0].getsockname()[1]
            logger.info(
                "Serving MCP: %s", endpoints(self.config, port, self.transports)
            )


_PATHS = {"http": ("http", "/mcp"), "sse": ("http", "/sse"), "websocket": ("ws", "/ws")}
_NAMES = {"http": "Streamable HTTP", "sse": "SSE", "websocket": "WebSocket"}


def endpoints(config: uvicorn.Config, port: int, transports: Collection[str]) -> str:
    """Where each transport answers: `https://` and `wss://` URLs under TLS."""
    host = f"[{config.host}]" if ":" in config.host else config.host
    secure = "s" if config.ssl_certfile else ""
    return ", ".join(
        f"{_NAMES[t]} at {_PATHS[t][0]}{secure}://{host}:{port}{_PATHS[t][1]}"
        for t in _PATHS
        if t in transports
    )


def serve_network(
    server: Server[Any], *, transports: Collection[str], settings: NetworkSettings
) -> None:
    """Serve `server` on `settings.host:port` until SIGTERM/SIGINT."""
    shutdown = Shutdown()
    app = build_app(server, transports=transports, settings=settings, shutdown=shutdown)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # keep the root logger's stderr handler
        log_level=settings.log_level,
        # One log line per request costs CPU on every call: only when debugging.
        access_log=settings.log_level == "debug",
        lifespan="on",
        ws_max_size=settings.ws_max_size,
        ws_ping_interval=settings.ws_ping_interval,
        ws_ping_timeout=settings.ws_ping_interval,
        timeout_graceful_shutdown=_LINGER,
        server_header=False,
        ssl_certfile=settings.tls_cert,
        ssl_keyfile=settings.tls_key,
    )
    if not settings.allowed_hosts and settings.host in ("0.0.0.0", "::"):
        logger.warning(
            "Listening on all interfaces but accepting only loopback Host headers: "
            "pass --allowed-host (or MCP_ALLOWED_HOST) with the names clients use"
        )
    logging.getLogger("uvicorn.error").addFilter(_RefusedHandshakeFilter())
    uv = _Server(config)
    uv.transports = tuple(transports)
    options = {"loop_factory": config.get_loop_factory()}
    anyio.run(_serve, uv, shutdown, settings.grace_period, backend_options=options)


async def _serve(uv: uvicorn.Server, shutdown: Shutdown, grace_period: float) -> None:
    stop = anyio.Event()
    failure: SystemExit | None = None
    waiting = anyio.CancelScope()  # a second signal cuts the drain short
    async with anyio.create_task_group() as tg:
        tg.start_soon(stop_on_signals, stop, waiting.cancel)
        tg.start_soon(_drain_then_exit, stop, uv, shutdown, grace_period, waiting)
        try:
            await uv.serve()
        except SystemExit as exc:  # a failed startup (port in use), logged already
            failure = exc
        finally:
            tg.cancel_scope.cancel()
    if failure is not None:
        raise failure  # outside the task group: no exception group, no traceback


async def _drain_then_exit(
    stop: anyio.Event,
    uv: uvicorn.Server,
    shutdown: Shutdown,
    grace_period: float,
    waiting: anyio.CancelScope,
) -> None:
    await stop.wait()
    # Keep listening: clients of open sessions may need a new connection.
    shutdown.drain.draining = True
    with waiting:
        await shutdown.drain.wait_idle(grace_period)
    if shutdown.drain.count:
        count = shutdown.drain.count
        logger.warning("Grace period over: cancelling %d request(s)", count)
    shutdown.end_streams()
    uv.should_exit = True
