"""Handler of the tool 'test_tool_with_progress'.

This file is yours: mcpmint writes it once and never overwrites it.

Reports progress 0, 50 and 100 of 100, about 50 ms apart, then answers (scenario
tools-call-with-progress).
"""

from __future__ import annotations

from ..models import TestToolWithProgressInput
from ..runtime import ToolContext


async def test_tool_with_progress(
    args: TestToolWithProgressInput, ctx: ToolContext
) -> str:
    """Reports progress 0, 50 and 100 of 100, about 50 ms apart, then answers
    (scenario tools-call-with-progress)."""
    raise NotImplementedError
