"""Which branches of two `anyOf`/`oneOf`/`allOf` lists are the same branch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcpmint.specdiff.rules import canon, show

__all__ = ["brief", "match_branches"]


def match_branches(
    old: list[Any], new: list[Any]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair branches: equal ones first, then same type or $ref, then by position."""
    free_old, free_new = list(range(len(old))), list(range(len(new)))
    pairs: list[tuple[int, int]] = []
    for key in (canon, _signature):
        for i in list(free_old):
            sig = key(old[i])
            j = next((j for j in free_new if sig and key(new[j]) == sig), None)
            if j is not None:
                pairs.append((i, j))
                free_old.remove(i)
                free_new.remove(j)
    count = min(len(free_old), len(free_new))
    pairs += zip(free_old[:count], free_new[:count], strict=True)
    return pairs, free_old[count:], free_new[count:]


def _signature(branch: Any) -> str | None:
    if not isinstance(branch, Mapping):
        return None
    if isinstance(branch.get("$ref"), str):
        return f"$ref:{branch['$ref']}"
    return f"type:{canon(branch['type'])}" if "type" in branch else None


def brief(branch: Any) -> str:
    text = show(branch)
    return text if len(text) <= 60 else f"{text[:57]}..."
