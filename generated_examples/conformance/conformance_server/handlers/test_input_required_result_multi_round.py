"""Handler of the tool 'test_input_required_result_multi_round'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks a name (step1), then a favourite colour (step2), one round each (scenario
input-required-result-multi-round).
"""

from __future__ import annotations

from pydantic import BaseModel

from ..context import Context
from ..models import TestInputRequiredResultMultiRoundInput
from .test_input_required_result_elicitation import Name


class Color(BaseModel):
    color: str


async def test_input_required_result_multi_round(
    args: TestInputRequiredResultMultiRoundInput, ctx: Context
) -> str:
    """Asks a name (step1), then a favourite colour (step2), one round each
    (scenario input-required-result-multi-round)."""
    name = await ctx.elicit("Step 1: What is your name?", Name, key="step1")
    color = await ctx.elicit("Step 2: What is your favorite color?", Color, key="step2")
    who = name.data.name if name.data is not None else "someone"
    likes = color.data.color if color.data is not None else "nothing"
    return f"{who} likes {likes}"
