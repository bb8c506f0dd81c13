"""Handler of the tool 'test_trigger_prompt_change'.

This file is yours: mcpmint writes it once and never overwrites it.

Announces that the prompt list changed (scenario server-stateless).
"""

from __future__ import annotations

from ..context import Context
from ..models import TestTriggerPromptChangeInput


async def test_trigger_prompt_change(
    args: TestTriggerPromptChangeInput, ctx: Context
) -> str:
    """Announces that the prompt list changed (scenario server-stateless)."""
    await ctx.changes.list_changed("prompts")
    return "Announced a prompt list change."
