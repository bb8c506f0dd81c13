"""Handlers of the tracker tools: one module per tool, yours to edit.

A demo tracker over a fixed set of issues: reads answer from it, and changes are
answered as if made but not kept, so that every example of the spec gets the same
answer in any order. A real tracker opens its database here instead.
"""

from __future__ import annotations

import copy
from typing import Any

# Issue 42 and eleven older ones: 3 open, 9 closed; 2 of high priority.
ISSUES: dict[int, dict[str, Any]] = {
    42: {"id": 42, "title": "Crash on start", "state": "open", "labels": ["bug"]},
    31: {
        "id": 31,
        "title": "Dark mode",
        "state": "open",
        "labels": [],
        "priority": "high",
    },
    32: {"id": 32, "title": "Faster search", "state": "open", "labels": ["perf"]},
    **{
        n: {"id": n, "title": f"Old request {n}", "state": "closed", "labels": []}
        for n in range(33, 42)
    },
}
ISSUES[33]["priority"] = "high"
COMMENTS: dict[int, list[dict[str, Any]]] = {
    42: [{"id": 1, "author": {"login": "ada"}, "body": "Seen it too."}],
    31: [
        {"id": n, "author": {"login": "lin"}, "body": f"Note {n}."} for n in range(2, 7)
    ],
}
# Who calls the tools: comments are written in their name.
CALLER: dict[str, Any] = {"login": "bot", "name": "Release bot"}


def issue(number: int) -> dict[str, Any]:
    """A copy of issue `number`: LookupError (a tool error) if there is none."""
    if number not in ISSUES:
        raise LookupError(f"no issue {number}")
    return copy.deepcopy(ISSUES[number])
