"""Handler of the tool 'test_tool_with_logging'.

This file is yours: mcpmint writes it once and never overwrites it.

Sends three info log notifications about 50 ms apart, then answers (scenario
tools-call-with-logging).
"""

from __future__ import annotations

import warnings

import anyio
from mcp.shared.exceptions import MCPDeprecationWarning

from ..models import TestToolWithLoggingInput
from ..runtime import ToolContext

# The logging capability is deprecated from protocol 2026-07-28 on; this tool
# exists to exercise it on the 2025 versions the conformance suite speaks.
warnings.filterwarnings(
    "ignore", category=MCPDeprecationWarning, module=__name__.replace(".", r"\.")
)

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
        # Request-scoped: on Streamable HTTP the entry rides this call's stream.
        await ctx.sdk.session.send_log_message(
            "info", message, logger="conformance", related_request_id=ctx.request_id
        )
    return "Logging test completed"
