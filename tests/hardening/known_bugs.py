"""Bugs the hardening tests found and that are not fixed yet: expected to fail, strictly.

Each entry is a test id (a prefix matches every parameter) and the bug it shows, numbered as
in docs/reliability.md. `xfail(strict=True)`: when a fix lands, the test passes, the run fails,
and the entry must go. Nothing here is skipped: every test still runs.
"""

from __future__ import annotations

KNOWN: dict[str, str] = {}


def reason_for(nodeid: str) -> str | None:
    """The known bug a test id shows, if any."""
    short = nodeid.split("tests/hardening/", 1)[-1]
    for prefix, reason in KNOWN.items():
        if short.startswith(prefix):
            return reason
    return None
