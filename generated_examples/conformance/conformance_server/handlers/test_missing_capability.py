"""Handler of the tool 'test_missing_capability'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks the client's model whatever the client declared, so a client without
sampling gets error -32021 (scenario server-stateless).
"""

from __future__ import annotations

from ..context import Context
from ..models import TestMissingCapabilityInput
from .test_input_required_result_sampling import text_of


async def test_missing_capability(
    args: TestMissingCapabilityInput, ctx: Context
) -> str:
    """Asks the client's model whatever the client declared, so a client without
    sampling gets error -32021 (scenario server-stateless)."""
    # No capability check here: ctx.sample refuses (-32021, requiredCapabilities
    # {"sampling": {}}) when the client did not declare sampling.
    reply = await ctx.sample(["Answer yes"], max_tokens=10)
    return f"LLM response: {text_of(reply)}"
