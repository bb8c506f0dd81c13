"""Handler of the tool 'test_input_required_result_multiple_inputs'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks a name, a greeting from the model and the roots in one round (scenario
input-required-result-multiple-input-requests).
"""

from __future__ import annotations

from mcpmint_runtime import Elicit, ListRoots, Sample

from ..context import Context
from ..models import TestInputRequiredResultMultipleInputsInput
from .test_input_required_result_elicitation import Name
from .test_input_required_result_sampling import text_of


async def test_input_required_result_multiple_inputs(
    args: TestInputRequiredResultMultipleInputsInput, ctx: Context
) -> str:
    """Asks a name, a greeting from the model and the roots in one round (scenario
    input-required-result-multiple-input-requests)."""
    name, greeting, roots = await ctx.ask(
        Elicit("What is your name?", Name, key="user_name"),
        Sample(["Generate a greeting"], max_tokens=50, key="greeting"),
        ListRoots(key="client_roots"),
    )
    who = name.data.name if name.data is not None else name.action
    return f"name={who}, greeting={text_of(greeting)}, roots={len(roots)}"
