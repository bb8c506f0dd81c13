"""Handler of the tool 'get_issue'.

This file is yours: mcpmint writes it once and never overwrites it.

One issue with its comments.
"""

from __future__ import annotations

from typing import Any

from ..models import GetIssueInput, GetIssueOutput
from ..runtime import ToolContext
from . import COMMENTS, issue


async def get_issue(args: GetIssueInput, ctx: ToolContext) -> GetIssueOutput:
    """One issue with its comments."""
    found: dict[str, Any] = {"issue": issue(args.id)}
    if args.with_comments:
        found["comments"] = COMMENTS.get(args.id, [])
    return GetIssueOutput.model_validate(found)
