"""Handler of the tool 'create_note'.

This file is yours: mcpmint writes it once and never overwrites it.

Store a note (its id comes back).
"""

from __future__ import annotations

from ..context import Context
from ..models import CreateNoteInput, CreateNoteOutput


async def create_note(args: CreateNoteInput, ctx: Context) -> CreateNoteOutput:
    """Store a note (its id comes back)."""
    tags = list(args.tags) if isinstance(args.tags, list) else []
    note = ctx.state.store.add(args.title, args.body, tags)
    return CreateNoteOutput(id=note.id, uri=f"notes://{note.id}")
