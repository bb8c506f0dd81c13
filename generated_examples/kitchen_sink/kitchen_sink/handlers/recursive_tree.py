"""Handler of the tool 'recursive_tree'.

This file is yours: mcpmint writes it once and never overwrites it.

Recursive $ref: a tree of nodes. Backslash \\ and tab\u0009inside.
"""

from __future__ import annotations

from ..models import RecursiveTreeInput, RecursiveTreeOutput
from ..runtime import ToolContext


async def recursive_tree(
    args: RecursiveTreeInput, ctx: ToolContext
) -> RecursiveTreeOutput:
    """Recursive $ref: a tree of nodes. Backslash \\ and tab\u0009inside."""
    raise NotImplementedError
