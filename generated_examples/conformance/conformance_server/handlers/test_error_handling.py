"""Handler of the tool 'test_error_handling'.

This file is yours: mcpmint writes it once and never overwrites it.

Always answers with a tool error, isError true (scenario tools-call-error).
"""

from __future__ import annotations

from ..models import TestErrorHandlingInput
from ..runtime import ToolContext


async def test_error_handling(args: TestErrorHandlingInput, ctx: ToolContext) -> str:
    """Always answers with a tool error, isError true (scenario tools-call-error)."""
    raise NotImplementedError
