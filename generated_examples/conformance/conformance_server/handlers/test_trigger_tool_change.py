"""Handler of the tool 'test_trigger_tool_change'.

This file is yours: mcpmint writes it once and never overwrites it.

Announces that the tool list changed (ctx.changes.list_changed), for the
subscriptions/listen checks of scenario server-stateless.
"""

from __future__ import annotations

from ..context import Context
from ..models import TestTriggerToolChangeInput


async def test_trigger_tool_change(
    args: TestTriggerToolChangeInput, ctx: Context
) -> str:
    """Announces that the tool list changed (ctx.changes.list_changed), for the
    subscriptions/listen checks of scenario server-stateless."""
    await ctx.changes.list_changed("tools")
    return "Announced a tool list change."
