"""Handler of the resource 'notes://tags/{tag}'.

This file is yours: mcpmint writes it once and never overwrites it. Return the
contents: text (str), or bytes (sent base64 as a blob).
"""

from __future__ import annotations

import json

from ..context import Context
from ..models import NotesByTagVariables


async def read_notes_by_tag(args: NotesByTagVariables, ctx: Context) -> str | bytes:
    """The notes with the tag, as a JSON list of {id, title, uri}."""
    notes = sorted(ctx.state.store.notes.values(), key=lambda n: n.id)
    return json.dumps(
        [
            {"id": n.id, "title": n.title, "uri": f"notes://{n.id}"}
            for n in notes
            if args.tag in n.tags
        ]
    )
