"""Handler of the tool 'test_elicitation_sep1330_enums'.

This file is yours: mcpmint writes it once and never overwrites it.

Elicits a form with the five enum shapes: untitled and titled single select,
legacy enumNames, untitled and titled multi select (scenario elicitation-
sep1330-enums).
"""

from __future__ import annotations

from ..models import TestElicitationSep1330EnumsInput
from ..runtime import ToolContext


async def test_elicitation_sep1330_enums(
    args: TestElicitationSep1330EnumsInput, ctx: ToolContext
) -> str:
    """Elicits a form with the five enum shapes: untitled and titled single select,
    legacy enumNames, untitled and titled multi select (scenario elicitation-
    sep1330-enums)."""
    raise NotImplementedError
