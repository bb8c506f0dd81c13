"""Resources the tracker server opens once per process, shared by every call.

This file is yours: mcpmint writes it once and never overwrites it.

`lifespan(settings)` runs before the first call; what it yields is `ctx.state` in
every handler. The code after `yield` runs when the server stops: on SIGTERM (after
the calls in flight finish) and, on stdio, at end of input. For example:

    @dataclass
    class State:
        db: aiosqlite.Connection

    @asynccontextmanager
    async def lifespan(settings: Settings) -> AsyncIterator[State]:
        async with aiosqlite.connect(settings.bookmarks_db) as db:
            yield State(db=db)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from .settings import Settings


@dataclass
class State:
    """What every handler shares as `ctx.state`: connections, clients, caches."""


@asynccontextmanager
async def lifespan(settings: Settings) -> AsyncIterator[State]:
    """Open what the handlers share; close it after the `yield`."""
    yield State()
