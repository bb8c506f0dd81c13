"""Handler of the tool 'test_input_required_result_tampered_state'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks a confirmation; a retry whose requestState was altered is refused (scenario
input-required-result-tampered-state).
"""

from __future__ import annotations

from ..context import Context
from ..models import TestInputRequiredResultTamperedStateInput
from .test_input_required_result_request_state import Confirm


async def test_input_required_result_tampered_state(
    args: TestInputRequiredResultTamperedStateInput, ctx: Context
) -> str:
    """Asks a confirmation; a retry whose requestState was altered is refused
    (scenario input-required-result-tampered-state)."""
    # Nothing to do here: the runtime checks the requestState's seal before this
    # handler runs, and refuses an altered one (-32602).
    answer = await ctx.elicit("Please confirm", Confirm, key="confirm")
    confirmed = answer.data is not None and answer.data.ok
    return f"confirmed={str(confirmed).lower()}"
