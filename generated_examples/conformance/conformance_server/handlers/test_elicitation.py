"""Handler of the tool 'test_elicitation'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks the user for a username and an email address (elicitation/create) and
returns the answer (scenario tools-call-elicitation).
"""

from __future__ import annotations

from ..models import TestElicitationInput
from ..runtime import ToolContext


async def test_elicitation(args: TestElicitationInput, ctx: ToolContext) -> str:
    """Asks the user for a username and an email address (elicitation/create) and
    returns the answer (scenario tools-call-elicitation)."""
    raise NotImplementedError
