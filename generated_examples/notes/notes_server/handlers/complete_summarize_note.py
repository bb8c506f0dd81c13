"""Completions of the prompt 'summarize-note''s arguments: id.

This file is yours: mcpmint writes it once and never overwrites it. Return the
candidates for `value` (what the user typed so far) of `argument`; `arguments`
holds the prompt's arguments the user already chose. At most 100 are sent.
"""

from __future__ import annotations

from ..context import Context


async def complete_summarize_note(
    argument: str, value: str, arguments: dict[str, str], ctx: Context
) -> list[str]:
    """The ids of the notes, those starting with `value`, in order."""
    ids = sorted(ctx.state.store.notes)
    return [str(i) for i in ids if str(i).startswith(value)]
