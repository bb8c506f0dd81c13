"""Handler of the tool 'test_reconnection'.

This file is yours: mcpmint writes it once and never overwrites it.

Closes its SSE stream mid-call when the transport can resume it, then answers
(scenario server-sse-polling).
"""

from __future__ import annotations

from ..models import TestReconnectionInput
from ..runtime import ToolContext


async def test_reconnection(args: TestReconnectionInput, ctx: ToolContext) -> str:
    """Closes its SSE stream mid-call when the transport can resume it, then
    answers (scenario server-sse-polling)."""
    raise NotImplementedError
