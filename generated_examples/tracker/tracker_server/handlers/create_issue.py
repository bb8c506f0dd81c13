"""Handler of the tool 'create_issue'.

This file is yours: mcpmint writes it once and never overwrites it.

Open a new issue.
"""

from __future__ import annotations

from ..models import CreateIssueInput, CreateIssueOutput
from ..runtime import ToolContext
from . import ISSUES


async def create_issue(args: CreateIssueInput, ctx: ToolContext) -> CreateIssueOutput:
    """Open a new issue."""
    given = args.model_dump(mode="json", exclude_unset=True)
    made = {"id": max(ISSUES) + 1, "state": "open", "labels": [], **given}
    made.pop("body", None)
    made["assignee"] = {"login": made["assignee"]} if "assignee" in made else None
    return CreateIssueOutput.model_validate(made)
