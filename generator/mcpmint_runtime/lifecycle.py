"""The user's lifespan hook, opened once per process and shared by every session.

The SDK enters `Server.lifespan` once per connection (each stdio process, SSE
stream, WebSocket) and the Streamable HTTP session manager once. `attach` sets a
`Lifecycle` there: the first entry loads the settings and opens the hook, later
entries share what it yielded, the last exit closes it. The network app holds it
open for the whole process (`process_scope`), so it opens at start-up and closes
after the drain on SIGTERM; on stdio it closes at end of input.

Handlers reach both through `ToolContext.settings` and `ToolContext.state`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio

from .changes import bind

__all__ = ["AppContext", "Lifecycle", "attach", "process_scope"]

logger = logging.getLogger(__name__)

Hook = Callable[[Any], AbstractAsyncContextManager[Any]]


@dataclass(frozen=True, slots=True)
class AppContext:
    """What every handler shares: the settings and the state the hook yielded."""

    settings: Any
    state: Any


class Lifecycle:
    """`Server.lifespan` for an mcpmint server: the hook, once for all sessions."""

    def __init__(self, load_settings: Callable[[], Any], hook: Hook) -> None:
        self._load_settings = load_settings
        self._hook = hook
        self._users = 0
        self._app: AppContext | None = None
        self._stack: AsyncExitStack | None = None
        self._lock = anyio.Lock()

    @asynccontextmanager
    async def __call__(self, server: Any) -> AsyncIterator[AppContext]:
        async with self._lock:
            if self._app is None:
                stack = AsyncExitStack()
                settings = self._load_settings()
                with bind(server):  # the hook and its tasks see `current_changes()`
                    state = await stack.enter_async_context(self._hook(settings))
                self._app, self._stack = AppContext(settings, state), stack
                logger.debug("lifespan opened")
            self._users += 1
            app = self._app
        try:
            yield app
        finally:
            self._users -= 1
            if self._users == 0 and self._stack is not None:
                stack, self._stack, self._app = self._stack, None, None
                with anyio.CancelScope(shield=True):  # cleanup runs even if cancelled
                    await stack.aclose()
                logger.debug("lifespan closed")


def attach(server: Any, load_settings: Callable[[], Any], hook: Hook) -> None:
    """Make `hook(settings)` the server's lifespan, shared by every session."""
    server.lifespan = Lifecycle(load_settings, hook)


@asynccontextmanager
async def process_scope(server: Any) -> AsyncIterator[None]:
    """Hold an attached lifecycle open for the whole process (no-op without one)."""
    lifecycle = getattr(server, "lifespan", None)
    if not isinstance(lifecycle, Lifecycle):
        yield
        return
    async with lifecycle(server):
        yield
