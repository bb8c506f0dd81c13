"""Handler of the tool 'get_issue'.

This file is yours: mcpmint writes it once and never overwrites it.

One issue with its comments.
"""

from __future__ import annotations

from ..models import GetIssueInput, GetIssueOutput
from ..runtime import ToolContext


async def get_issue(args: GetIssueInput, ctx: ToolContext) -> GetIssueOutput:
    """One issue with its comments."""
    raise NotImplementedError
