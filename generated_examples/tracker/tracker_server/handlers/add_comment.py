"""Handler of the tool 'add_comment'.

This file is yours: mcpmint writes it once and never overwrites it.

Comment on an issue.
"""

from __future__ import annotations

from ..models import AddCommentInput, AddCommentOutput
from ..runtime import ToolContext


async def add_comment(args: AddCommentInput, ctx: ToolContext) -> AddCommentOutput:
    """Comment on an issue."""
    raise NotImplementedError
