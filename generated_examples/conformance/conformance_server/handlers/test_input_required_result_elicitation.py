"""Handler of the tool 'test_input_required_result_elicitation'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks the user's name (key user_name) and greets them (scenarios
input-required-result-basic-elicitation, -missing-input-response, -result-type,
-ignore-extra-params, -validate-input).
"""

from __future__ import annotations

from pydantic import BaseModel

from ..context import Context
from ..models import TestInputRequiredResultElicitationInput


class Name(BaseModel):
    name: str


async def test_input_required_result_elicitation(
    args: TestInputRequiredResultElicitationInput, ctx: Context
) -> str:
    """Asks the user's name (key user_name) and greets them (scenarios
    input-required-result-basic-elicitation, -missing-input-response,
    -result-type, -ignore-extra-params, -validate-input)."""
    answer = await ctx.elicit("What is your name?", Name, key="user_name")
    if answer.data is None:
        return f"No name given ({answer.action})"
    return f"Hello, {answer.data.name}!"
