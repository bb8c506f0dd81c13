"""Handler of the tool 'test_trigger_resource_update'.

This file is yours: mcpmint writes it once and never overwrites it.

Announces that test://watched-resource changed (ctx.changes.resource_updated).
"""

from __future__ import annotations

from ..context import Context
from ..models import TestTriggerResourceUpdateInput

WATCHED = "test://watched-resource"


async def test_trigger_resource_update(
    args: TestTriggerResourceUpdateInput, ctx: Context
) -> str:
    """Announces that test://watched-resource changed
    (ctx.changes.resource_updated)."""
    await ctx.changes.resource_updated(WATCHED)
    return "Announced an update of test://watched-resource."
