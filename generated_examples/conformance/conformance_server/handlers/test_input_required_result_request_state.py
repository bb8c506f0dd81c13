"""Handler of the tool 'test_input_required_result_request_state'.

This file is yours: mcpmint writes it once and never overwrites it.

Keeps a value of its own across the round (ctx.carry) and asks a confirmation
(key confirm); says state-ok when the value came back (scenario
input-required-result-request-state).
"""

from __future__ import annotations

from pydantic import BaseModel

from ..context import Context
from ..models import TestInputRequiredResultRequestStateInput


class Confirm(BaseModel):
    ok: bool


async def test_input_required_result_request_state(
    args: TestInputRequiredResultRequestStateInput, ctx: Context
) -> str:
    """Keeps a value of its own across the round (ctx.carry) and asks a
    confirmation (key confirm); says state-ok when the value came back (scenario
    input-required-result-request-state)."""
    # Each run counts itself in ctx.carry. In 2026-07-28 the confirmation ends
    # round 1; the retry's requestState passed the seal check (an altered one is
    # refused before this handler runs) and brings the count back: round 2.
    # Before 2026-07-28 the handler runs once: round 1.
    ctx.carry["round"] = ctx.carry.get("round", 0) + 1
    answer = await ctx.elicit("Please confirm", Confirm, key="confirm")
    confirmed = answer.data is not None and answer.data.ok
    return f"state-ok: confirmed={str(confirmed).lower()}, round {ctx.carry['round']}"
