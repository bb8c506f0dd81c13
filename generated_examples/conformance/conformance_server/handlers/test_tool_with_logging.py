"""Handler of the tool 'test_tool_with_logging'.

This file is yours: mcpmint writes it once and never overwrites it.

Sends three info log notifications about 50 ms apart, then answers (scenario
tools-call-with-logging).
"""

from __future__ import annotations

import anyio

from ..models import TestToolWithLoggingInput
from ..runtime import ToolContext

STEP = 0.05  # seconds between notifications
MESSAGES = (
    "Tool execution started",
    "Tool processing data",
    "Tool execution completed",
)


async def test_tool_with_logging(
    args: TestToolWithLoggingInput, ctx: ToolContext
) -> str:
    """Sends three info log notifications about 50 ms apart, then answers
    (scenario tools-call-with-logging)."""
    for i, message in enumerate(MESSAGES):
        if i:
            await anyio.sleep(STEP)
        # Sent only if the client asked for info: logging/setLevel before
        # 2026-07-28, the request's _meta log level in it.
        await ctx.info(message, logger="conformance")
    return "Logging test completed"
