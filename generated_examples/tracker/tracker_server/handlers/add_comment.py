"""Handler of the tool 'add_comment'.

This file is yours: mcpmint writes it once and never overwrites it.

Comment on an issue.
"""

from __future__ import annotations

from ..models import AddCommentInput, AddCommentOutput
from ..runtime import ToolContext
from . import CALLER, COMMENTS, issue


async def add_comment(args: AddCommentInput, ctx: ToolContext) -> AddCommentOutput:
    """Comment on an issue."""
    issue(args.id)
    number = 1 + sum(len(comments) for comments in COMMENTS.values())
    return AddCommentOutput.model_validate(
        {"id": number, "author": CALLER, "body": args.body}
    )
