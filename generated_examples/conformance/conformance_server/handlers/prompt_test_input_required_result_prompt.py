"""Handler of the prompt 'test_input_required_result_prompt'.

This file is yours: mcpmint writes it once and never overwrites it. Return the
prompt's messages: a string (one user message), a list of PromptMessage, or a
whole GetPromptResult.

Asks the user what context to use, then builds its message with it (scenario
input-required-result-non-tool-request).
"""

from __future__ import annotations

from pydantic import BaseModel

from ..context import Context
from ..models import PromptTestInputRequiredResultPromptArguments


class PromptContext(BaseModel):
    context: str


async def prompt_test_input_required_result_prompt(
    args: PromptTestInputRequiredResultPromptArguments, ctx: Context
) -> str:
    """Asks the user what context to use, then builds its message with it (scenario
    input-required-result-non-tool-request)."""
    answer = await ctx.elicit(
        "What context should the prompt use?", PromptContext, key="user_context"
    )
    context = answer.data.context if answer.data is not None else "none"
    return f"Answer with this context in mind: {context}"
