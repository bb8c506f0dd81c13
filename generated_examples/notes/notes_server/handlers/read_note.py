"""Handler of the resource 'notes://{id}{?format}'.

This file is yours: mcpmint writes it once and never overwrites it. Return the
contents: text (str), or bytes (sent base64 as a blob).

One note, as Markdown or JSON.
"""

from __future__ import annotations

import json

from mcpmint_runtime import ToolFailure

from ..context import Context
from ..models import NoteVariables


async def read_note(args: NoteVariables, ctx: Context) -> str | bytes:
    """One note, as Markdown (the default) or JSON."""
    note = ctx.state.store.notes.get(args.id)
    if note is None:
        raise ToolFailure(f"no note with id {args.id}")
    if args.format == "json":
        return json.dumps(
            {"id": note.id, "title": note.title, "body": note.body, "tags": note.tags}
        )
    tags = " ".join(f"#{tag}" for tag in note.tags)
    return f"# {note.title}\n\n{note.body}\n\n{tags}\n"
