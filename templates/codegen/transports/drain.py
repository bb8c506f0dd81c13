"""Graceful shutdown: count requests still awaiting an answer, stop on signals."""

from __future__ import annotations

import logging
import signal

import anyio
from mcp_types import (
    JSONRPCError,
    JSONRPCMessage,
    JSONRPCNotification,
    JSONRPCRequest,
    JSONRPCResponse,
)

logger = logging.getLogger(__name__)

_CANCELLED = "notifications/cancelled"


class Drain:
    """Process-wide count of in-flight client requests, across connections."""

    def __init__(self) -> None:
        self._count = 0
        self._idle: anyio.Event | None = None
        self.draining = False

    @property
    def count(self) -> int:
        """Requests received and not yet answered."""
        return self._count

    def begin(self) -> None:
        """Count one more request in flight."""
        self._count += 1

    def end(self, n: int = 1) -> None:
        """Count `n` requests as settled."""
        self._count -= n
        if self._count <= 0 and self._idle is not None:
            self._idle.set()

    async def wait_idle(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for every request to settle; True if they did."""
        with anyio.move_on_after(timeout):
            while self._count > 0:
                self._idle = anyio.Event()
                await self._idle.wait()
        return self._count <= 0


class Pending:
    """The requests of one connection: ids seen coming in, not yet answered."""

    def __init__(self, drain: Drain) -> None:
        self.drain = drain
        self._ids: set[int | str] = set()

    def received(self, message: JSONRPCMessage) -> None:
        """Note a message from the client."""
        if isinstance(message, JSONRPCRequest):
            if message.id not in self._ids:
                self._ids.add(message.id)
                self.drain.begin()
        elif isinstance(message, JSONRPCNotification) and message.method == _CANCELLED:
            # A cancelled request may never be answered: stop waiting for it.
            request_id = (message.params or {}).get("requestId")
            if isinstance(request_id, int | str):
                self._settle(request_id)

    def sent(self, message: JSONRPCMessage) -> None:
        """Note a message to the client."""
        if isinstance(message, JSONRPCResponse | JSONRPCError) and message.id is not None:
            self._settle(message.id)

    def close(self) -> None:
        """Forget every request of a connection that has ended."""
        if self._ids:
            self.drain.end(len(self._ids))
            self._ids.clear()

    def _settle(self, request_id: int | str) -> None:
        if request_id in self._ids:
            self._ids.discard(request_id)
            self.drain.end()


async def stop_on_signals(stop: anyio.Event, force: anyio.CancelScope) -> None:
    """Set `stop` on the first SIGINT or SIGTERM; cancel `force` on the second."""
    try:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async for signum in signals:
                if stop.is_set():
                    logger.warning("Second signal: stopping now")
                    force.cancel()
                    return
                name = signal.Signals(signum).name
                logger.info("%s: finishing requests in flight, then exiting", name)
                stop.set()
    except NotImplementedError:  # Windows: Ctrl+C raises KeyboardInterrupt instead
        await anyio.sleep_forever()
