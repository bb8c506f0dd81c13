"""Completions of the resource template 'notes://tags/{tag}''s variables: tag.

This file is yours: mcpmint writes it once and never overwrites it. Return the
candidates for `value` (what the user typed so far) of `variable`; `arguments`
holds the template's variables the user already resolved. At most 100 are sent.
"""

from __future__ import annotations

from ..context import Context


async def complete_read_notes_by_tag(
    variable: str, value: str, arguments: dict[str, str], ctx: Context
) -> list[str]:
    """The tags in use that start with `value`."""
    return [tag for tag in ctx.state.store.tags() if tag.startswith(value.lower())]
