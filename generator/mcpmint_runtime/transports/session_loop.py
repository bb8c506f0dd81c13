"""One session's input, and the SDK's serving loops on it without a relay task.

A transport hands each message from the client to `Inbox.put` (with the
sender's context, which the SDK's dispatcher runs its handler in), and the
session's loop reads them in order: a deque and an event, where the SDK's
transports use anyio memory streams (a checkpoint, a waiter and a weak
reference per message, each side). `serve_session` then does what
`serve_dual_era_loop` (`Server.run`'s loop) does: it reads up to the client's
first request to choose the protocol era (a first request carrying the
2026-07-28 envelope, and not `initialize`, opens a modern connection, anything
else a handshake one) and runs that era's loop of the SDK (`serve_era`); but
the frames read ahead are read again from `direct_streams.Peeking` instead of
going through one more memory stream and task for every message.
"""

from __future__ import annotations

import contextvars
from collections import deque
from typing import Any

import anyio
from mcp.server.lowlevel import Server
from mcp.server.models import InitializationOptions
from mcp.shared._stream_protocols import WriteStream
from mcp.shared.message import SessionMessage

from .direct_streams import DirectReader, Item, Peeking, serve_era

__all__ = ["Inbox", "serve_session"]


class Inbox(DirectReader):
    """A session's input: messages in arrival order, each with its sender's context."""

    def __init__(self) -> None:
        super().__init__(self._next)
        self._items: deque[tuple[contextvars.Context, Item]] = deque()
        self._arrived: anyio.Event | None = None
        self._closed = False
        # The sender's context, which the SDK's dispatcher runs each handler in.
        self.last_context: contextvars.Context | None = None

    def put(self, item: Item) -> bool:
        """Queue `item`; False, dropping it, once the session's input has ended."""
        if self._closed:
            return False
        self._items.append((contextvars.copy_context(), item))
        if self._arrived is not None:
            self._arrived.set()
        return True

    def close(self) -> None:
        """End the input: the loop reads what is queued, then end of input."""
        self._closed = True
        if self._arrived is not None:
            self._arrived.set()

    async def _next(self) -> Item:
        items = self._items
        while not items:
            if self._closed:
                raise anyio.EndOfStream
            self._arrived = anyio.Event()
            await self._arrived.wait()
            self._arrived = None
        self.last_context, item = items.popleft()
        return item

    async def aclose(self) -> None:
        self._closed = True  # the loop has ended: later messages are dropped
        self._items.clear()


async def serve_session(
    server: Server[Any],
    read: Inbox,
    write: WriteStream[SessionMessage],
    *,
    lifespan_state: Any,
    init_options: InitializationOptions,
) -> None:
    """Serve one connection until its input ends, as `serve_dual_era_loop` does."""
    try:
        reader = Peeking(read)  # the era is the first request's
        try:
            opening = await reader.peek()
            await serve_era(
                server,
                reader,
                write,
                opening,
                lifespan_state=lifespan_state,
                init_options=init_options,
            )
        finally:
            await read.aclose()
    finally:
        await write.aclose()
