"""Handler of the tool 'test_elicitation_sep1034_defaults'.

This file is yours: mcpmint writes it once and never overwrites it.

Elicits a form whose string, integer, number, enum and boolean fields all carry
defaults (scenario elicitation-sep1034-defaults).
"""

from __future__ import annotations

from ..models import TestElicitationSep1034DefaultsInput
from ..runtime import ToolContext


async def test_elicitation_sep1034_defaults(
    args: TestElicitationSep1034DefaultsInput, ctx: ToolContext
) -> str:
    """Elicits a form whose string, integer, number, enum and boolean fields all
    carry defaults (scenario elicitation-sep1034-defaults)."""
    raise NotImplementedError
