"""Handler of the tool 'list_comments'.

This file is yours: mcpmint writes it once and never overwrites it.

Comments of an issue, oldest first.
"""

from __future__ import annotations

from ..models import ListCommentsInput, ListCommentsOutput
from ..runtime import ToolContext
from . import COMMENTS


async def list_comments(
    args: ListCommentsInput, ctx: ToolContext
) -> ListCommentsOutput:
    """Comments of an issue, oldest first."""
    comments = COMMENTS.get(args.id, [])
    limit = args.model_dump(exclude_unset=True).get("limit", len(comments))
    return ListCommentsOutput.model_validate({"comments": comments[:limit]})
