"""Handler of the tool 'test_error_handling'.

This file is yours: mcpmint writes it once and never overwrites it.

Always answers with a tool error, isError true (scenario tools-call-error).
"""

from __future__ import annotations

import mcp_types as types

from ..models import TestErrorHandlingInput
from ..runtime import ToolContext, ToolResult

MESSAGE = "This tool intentionally returns an error for testing"


async def test_error_handling(
    args: TestErrorHandlingInput, ctx: ToolContext
) -> ToolResult[None]:
    """Always answers with a tool error, isError true (scenario tools-call-error).

    A tool error is a result the model reads (`isError: true`), not a JSON-RPC
    error: returning it keeps the text exact, where raising would prefix it with
    "Tool 'test_error_handling' failed:".
    """
    text = types.TextContent(type="text", text=MESSAGE)
    return ToolResult(content=[text], is_error=True)
