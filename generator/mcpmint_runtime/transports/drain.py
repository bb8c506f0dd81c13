"""Graceful shutdown: count requests still awaiting an answer, stop on signals."""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol

import anyio
from mcp.shared.message import SessionMessage
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
        """Wait up to `timeout` seconds for every request to settle; True if so."""
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
        if (
            isinstance(message, JSONRPCResponse | JSONRPCError)
            and message.id is not None
        ):
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


async def stop_on_signals(stop: anyio.Event, force: Callable[[], None]) -> None:
    """Set `stop` on the first SIGINT or SIGTERM; call `force` on the second."""
    try:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async for signum in signals:
                if stop.is_set():
                    logger.warning("Second signal: stopping now")
                    force()
                    return
                name = signal.Signals(signum).name
                logger.info("%s: finishing requests in flight, then exiting", name)
                stop.set()
    except NotImplementedError:  # Windows: Ctrl+C raises KeyboardInterrupt instead
        await anyio.sleep_forever()


class _Receiver(Protocol):
    async def receive(self) -> SessionMessage | Exception: ...
    async def aclose(self) -> None: ...


class _Sender(Protocol):
    async def send(self, item: SessionMessage, /) -> None: ...
    async def aclose(self) -> None: ...


class CountedReadStream:
    """A transport's read stream that notes each client message in `pending`."""

    def __init__(self, inner: _Receiver, pending: Pending) -> None:
        self._inner = inner
        self._pending = pending
        self._ended = False
        self._receiving: anyio.CancelScope | None = None

    def end_input(self) -> None:
        """Make the reader see end of input now (a graceful shutdown)."""
        self._ended = True
        if self._receiving is not None:
            self._receiving.cancel()

    @property
    def last_context(self) -> Any:
        """The sender's context, which the SDK's dispatcher runs handlers in."""
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> SessionMessage | Exception:
        """Receive the next item and count it."""
        with anyio.CancelScope() as self._receiving:
            if not self._ended:
                item = await self._inner.receive()
                if isinstance(item, SessionMessage):
                    self._pending.received(item.message)
                return item
        raise anyio.EndOfStream

    async def aclose(self) -> None:
        """Close the inner stream and forget the connection's requests."""
        self._pending.close()
        await self._inner.aclose()

    def __aiter__(self) -> CountedReadStream:
        return self

    async def __anext__(self) -> SessionMessage | Exception:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def __aenter__(self) -> CountedReadStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class CountedWriteStream:
    """A transport's write stream that notes each answer in `pending`."""

    def __init__(self, inner: _Sender, pending: Pending) -> None:
        self._inner = inner
        self._pending = pending

    async def send(self, item: SessionMessage, /) -> None:
        """Send one message, then count it."""
        # Counted once handed over: the drain must not end the input (which
        # cancels handlers) while a handler is still passing its answer on.
        await self._inner.send(item)
        self._pending.sent(item.message)

    async def aclose(self) -> None:
        """Close the inner stream."""
        await self._inner.aclose()

    async def __aenter__(self) -> CountedWriteStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()
