"""Handler of the tool 'test_input_required_result_capabilities'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks only what the client declared it can answer: the model if it samples, the
user if it elicits (scenario input-required-result-capability-check).
"""

from __future__ import annotations

from typing import Any

from mcpmint_runtime import Ask, Elicit, Sample

from ..context import Context
from ..models import TestInputRequiredResultCapabilitiesInput
from .test_input_required_result_request_state import Confirm


async def test_input_required_result_capabilities(
    args: TestInputRequiredResultCapabilitiesInput, ctx: Context
) -> str:
    """Asks only what the client declared it can answer: the model if it samples,
    the user if it elicits (scenario input-required-result-capability-check)."""
    questions: list[Ask[Any]] = []
    if ctx.can_ask("sampling"):
        questions.append(Sample(["Say yes"], max_tokens=10, key="model"))
    if ctx.can_ask("elicitation"):
        questions.append(Elicit("Say yes", Confirm, key="user"))
    if not questions:
        return "answered: nothing (the client declared neither)"
    await ctx.ask(*questions)
    return "answered: " + ", ".join(q.kind for q in questions)
