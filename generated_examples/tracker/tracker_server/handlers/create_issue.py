"""Handler of the tool 'create_issue'.

This file is yours: mcpmint writes it once and never overwrites it.

Open a new issue.
"""

from __future__ import annotations

from ..models import CreateIssueInput, CreateIssueOutput
from ..runtime import ToolContext


async def create_issue(args: CreateIssueInput, ctx: ToolContext) -> CreateIssueOutput:
    """Open a new issue."""
    raise NotImplementedError
