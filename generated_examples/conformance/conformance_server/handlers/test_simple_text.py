"""Handler of the tool 'test_simple_text'.

This file is yours: mcpmint writes it once and never overwrites it.

Returns one text block (scenario tools-call-simple-text).
"""

from __future__ import annotations

from ..models import TestSimpleTextInput
from ..runtime import ToolContext

TEXT = "This is a simple text response for testing."


async def test_simple_text(args: TestSimpleTextInput, ctx: ToolContext) -> str:
    """Returns one text block (scenario tools-call-simple-text)."""
    return TEXT
