"""Handler of the tool 'test_input_required_result_sampling'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks the client's model for the capital of France (key capital_question) and
returns its answer (scenario input-required-result-basic-sampling).
"""

from __future__ import annotations

import mcp_types as types

from ..context import Context
from ..models import TestInputRequiredResultSamplingInput


def text_of(reply: types.CreateMessageResult) -> str:
    """The text of a sampling reply (its content's repr if not text)."""
    text = getattr(reply.content, "text", None)
    return text if isinstance(text, str) else repr(reply.content)


async def test_input_required_result_sampling(
    args: TestInputRequiredResultSamplingInput, ctx: Context
) -> str:
    """Asks the client's model for the capital of France (key capital_question) and
    returns its answer (scenario input-required-result-basic-sampling)."""
    reply = await ctx.sample(
        ["What is the capital of France?"], max_tokens=100, key="capital_question"
    )
    return f"LLM response: {text_of(reply)}"
