"""Handler of the tool 'update_issue'.

This file is yours: mcpmint writes it once and never overwrites it.

Change the title, state, priority or assignee of an issue.
"""

from __future__ import annotations

from ..models import UpdateIssueInput, UpdateIssueOutput
from ..runtime import ToolContext
from . import issue


async def update_issue(args: UpdateIssueInput, ctx: ToolContext) -> UpdateIssueOutput:
    """Change the title, state, priority or assignee of an issue."""
    changed = issue(args.id)
    changed.update(args.changes.model_dump(mode="json", exclude_unset=True))
    return UpdateIssueOutput.model_validate(changed)
