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
    raise NotImplementedError
