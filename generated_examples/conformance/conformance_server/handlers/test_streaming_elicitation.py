"""Handler of the tool 'test_streaming_elicitation'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks the user a question: an input_required result in 2026-07-28, never a
request of its own on the response stream (scenario server-stateless).
"""

from __future__ import annotations

from ..context import Context
from ..models import TestStreamingElicitationInput


async def test_streaming_elicitation(
    args: TestStreamingElicitationInput, ctx: Context
) -> str:
    """Asks the user a question: an input_required result in 2026-07-28, never a
    request of its own on the response stream (scenario server-stateless)."""
    answer = await ctx.elicit("Continue?", {"type": "object", "properties": {}})
    return f"action={answer.action}"
