"""Handler of the tool 'no.output-text'.

This file is yours: mcpmint writes it once and never overwrites it.

A tool without an outputSchema: returns text.\u2028Line separator, \u200f right-
to-left mark.
"""

from __future__ import annotations

from ..models import NoOutputTextInput
from ..runtime import ToolContext


async def no_output_text(args: NoOutputTextInput, ctx: ToolContext) -> str:
    """A tool without an outputSchema: returns text.\u2028Line separator, \u200f
    right-to-left mark."""
    return args.text
