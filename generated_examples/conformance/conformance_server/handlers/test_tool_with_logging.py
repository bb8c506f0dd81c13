"""Handler of the tool 'test_tool_with_logging'.

This file is yours: mcpmint writes it once and never overwrites it.

Sends three info log notifications about 50 ms apart, then answers (scenario
tools-call-with-logging).
"""

from __future__ import annotations

from ..models import TestToolWithLoggingInput
from ..runtime import ToolContext


async def test_tool_with_logging(
    args: TestToolWithLoggingInput, ctx: ToolContext
) -> str:
    """Sends three info log notifications about 50 ms apart, then answers (scenario
    tools-call-with-logging)."""
    raise NotImplementedError
