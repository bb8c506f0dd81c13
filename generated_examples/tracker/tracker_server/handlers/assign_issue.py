"""Handler of the tool 'assign_issue'.

This file is yours: mcpmint writes it once and never overwrites it.

Give an issue to a user, or take it back with null.
"""

from __future__ import annotations

from ..models import AssignIssueInput, AssignIssueOutput
from ..runtime import ToolContext
from . import issue


async def assign_issue(args: AssignIssueInput, ctx: ToolContext) -> AssignIssueOutput:
    """Give an issue to a user, or take it back with null."""
    assigned = issue(args.id)
    who = args.assignee
    assigned["assignee"] = (
        who.model_dump(mode="json", exclude_unset=True) if who else None
    )
    return AssignIssueOutput.model_validate(assigned)
