"""Handler of the tool 'test_reconnection'.

This file is yours: mcpmint writes it once and never overwrites it.

Closes its SSE stream mid-call when the transport can resume it, then answers
(scenario server-sse-polling).
"""

from __future__ import annotations

import anyio

from ..models import TestReconnectionInput
from ..runtime import ToolContext

PAUSE = 0.1  # seconds between closing the stream and answering


async def test_reconnection(args: TestReconnectionInput, ctx: ToolContext) -> str:
    """Closes its SSE stream mid-call when the transport can resume it, then
    answers (scenario server-sse-polling).

    The SDK offers `close_sse_stream` only on Streamable HTTP with an event store
    and a client at protocol 2025-11-25 or later; the client then reconnects with
    Last-Event-ID and the answer is replayed. Without one the call just answers.
    """
    close = ctx.sdk.close_sse_stream
    if close is not None:
        await close()
        await anyio.sleep(PAUSE)
    return "Reconnection test completed successfully"
