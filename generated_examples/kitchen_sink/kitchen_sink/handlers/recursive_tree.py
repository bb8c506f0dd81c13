"""Handler of the tool 'recursive_tree'.

This file is yours: mcpmint writes it once and never overwrites it.

Recursive $ref: a tree of nodes. Backslash \\ and tab\u0009inside.
"""

from __future__ import annotations

from typing import Any

from ..models import RecursiveTreeInput, RecursiveTreeOutput
from ..runtime import ToolContext


async def recursive_tree(
    args: RecursiveTreeInput, ctx: ToolContext
) -> RecursiveTreeOutput:
    """Recursive $ref: a tree of nodes. Backslash \\ and tab\u0009inside."""

    def total(node: dict[str, Any]) -> int:
        return int(node["value"]) + sum(map(total, node.get("children", [])))

    def depth(node: dict[str, Any]) -> int:
        return 1 + max(map(depth, node.get("children", [])), default=0)

    root = args.model_dump(mode="json", exclude_unset=True)["root"]
    return RecursiveTreeOutput(total=total(root), depth=depth(root))
