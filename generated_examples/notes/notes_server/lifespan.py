"""The notes, kept in memory for as long as the server runs.

This file is yours: mcpmint writes it once and never overwrites it.

`lifespan(settings)` runs before the first call; what it yields is `ctx.state` in
every handler: here a `NoteStore` seeded with three notes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from .settings import Settings


@dataclass
class Note:
    id: int
    title: str
    body: str
    tags: list[str] = field(default_factory=list)


@dataclass
class NoteStore:
    """Notes by id; ids count up from 1."""

    notes: dict[int, Note] = field(default_factory=dict)

    def add(self, title: str, body: str, tags: list[str]) -> Note:
        note = Note(max(self.notes, default=0) + 1, title, body, sorted(set(tags)))
        self.notes[note.id] = note
        return note

    def tags(self) -> list[str]:
        return sorted({tag for note in self.notes.values() for tag in note.tags})


SEED = (
    ("Release checklist", "Bump the version, tag, publish.", ["howto", "release"]),
    ("Team meeting 2026-11-30", "Agreed to ship notes search.", ["meeting"]),
    ("Release 0.1 retrospective", "Search was slow; fixed in 0.1.1.", ["release"]),
)


@dataclass
class State:
    """What every handler shares as `ctx.state`."""

    store: NoteStore


@asynccontextmanager
async def lifespan(settings: Settings) -> AsyncIterator[State]:
    """A store seeded with the notes above."""
    store = NoteStore()
    for title, body, tags in SEED:
        store.add(title, body, tags)
    yield State(store)
