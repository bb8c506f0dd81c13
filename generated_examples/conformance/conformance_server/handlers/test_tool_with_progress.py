"""Handler of the tool 'test_tool_with_progress'.

This file is yours: mcpmint writes it once and never overwrites it.

Reports progress 0, 50 and 100 of 100, about 50 ms apart, then answers (scenario
tools-call-with-progress).
"""

from __future__ import annotations

import anyio

from ..models import TestToolWithProgressInput
from ..runtime import ToolContext

STEP = 0.05  # seconds between notifications


async def test_tool_with_progress(
    args: TestToolWithProgressInput, ctx: ToolContext
) -> str:
    """Reports progress 0, 50 and 100 of 100, about 50 ms apart, then answers
    (scenario tools-call-with-progress)."""
    # report_progress is a no-op when the request carries no progressToken.
    await ctx.report_progress(0, 100, "started")
    await anyio.sleep(STEP)
    await ctx.report_progress(50, 100, "halfway")
    await anyio.sleep(STEP)
    await ctx.report_progress(100, 100, "done")
    return "Progress test completed"
