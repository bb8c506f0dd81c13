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

TICKET = "round-1"


class Confirm(BaseModel):
    ok: bool


async def test_input_required_result_request_state(
    args: TestInputRequiredResultRequestStateInput, ctx: Context
) -> str:
    """Keeps a value of its own across the round (ctx.carry) and asks a
    confirmation (key confirm); says state-ok when the value came back (scenario
    input-required-result-request-state)."""
    # The first round leaves a value of its own; every later round finds it back,
    # sealed in the requestState the client echoed.
    first = "ticket" not in ctx.carry
    if first:
        ctx.carry["ticket"] = TICKET
    answer = await ctx.elicit("Please confirm", Confirm, key="confirm")
    kept = not first and ctx.carry.get("ticket") == TICKET
    confirmed = answer.data is not None and answer.data.ok
    state = "state-ok" if kept else "state-missing"
    return f"{state}: confirmed={str(confirmed).lower()}"
