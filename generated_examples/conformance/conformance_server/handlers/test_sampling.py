"""Handler of the tool 'test_sampling'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks the client's LLM to answer the prompt (sampling/createMessage) and returns
its reply (scenario tools-call-sampling).
"""

from __future__ import annotations

from ..models import TestSamplingInput
from ..runtime import ToolContext


async def test_sampling(args: TestSamplingInput, ctx: ToolContext) -> str:
    """Asks the client's LLM to answer the prompt (sampling/createMessage) and
    returns its reply (scenario tools-call-sampling)."""
    # sampling/createMessage tied to this call (2026-07-28: an input_required
    # result); a client without sampling gets error -32021.
    result = await ctx.sample([args.prompt], max_tokens=100)
    reply = getattr(result.content, "text", None)
    return f"LLM response: {reply if reply is not None else result.content}"
