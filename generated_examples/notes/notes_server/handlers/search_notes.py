"""Handler of the tool 'search_notes'.

This file is yours: mcpmint writes it once and never overwrites it.

Notes whose title or body contains the query, optionally with a tag.
"""

from __future__ import annotations

from ..context import Context
from ..models import SearchNotesInput, SearchNotesOutput, SearchNotesOutputNotesItem


async def search_notes(args: SearchNotesInput, ctx: Context) -> SearchNotesOutput:
    """Notes whose title or body contains the query (ignoring case), by id."""
    query = args.query.casefold()
    found = [
        SearchNotesOutputNotesItem(id=note.id, title=note.title)
        for note in sorted(ctx.state.store.notes.values(), key=lambda n: n.id)
        if query in f"{note.title}\n{note.body}".casefold()
        and (not isinstance(args.tag, str) or args.tag in note.tags)
    ]
    return SearchNotesOutput(notes=found[: args.limit])
