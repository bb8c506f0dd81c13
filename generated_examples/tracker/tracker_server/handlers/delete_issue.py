"""Handler of the tool 'delete_issue'.

This file is yours: mcpmint writes it once and never overwrites it.

Delete an issue for good. Cannot be undone.
"""

from __future__ import annotations

from ..models import DeleteIssueInput
from ..runtime import ToolContext
from . import issue


async def delete_issue(args: DeleteIssueInput, ctx: ToolContext) -> str:
    """Delete an issue for good. Cannot be undone."""
    issue(args.id)
    return f"Issue {args.id} deleted."
