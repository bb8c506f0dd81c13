"""Handler of the tool 'test_logging_tool'.

This file is yours: mcpmint writes it once and never overwrites it.

Logs at info and answers; a 2026-07-28 request that set no log level in its
_meta gets no notifications/message (scenario server-stateless).
"""

from __future__ import annotations

from ..context import Context
from ..models import TestLoggingToolInput


async def test_logging_tool(args: TestLoggingToolInput, ctx: Context) -> str:
    """Logs at info and answers; a 2026-07-28 request that set no log level in its
    _meta gets no notifications/message (scenario server-stateless)."""
    # Sent only if the client asked for info: logging/setLevel before
    # 2026-07-28, the request's _meta log level in it.
    await ctx.info("Logging tool ran", logger="conformance")
    return "Logging tool done."
