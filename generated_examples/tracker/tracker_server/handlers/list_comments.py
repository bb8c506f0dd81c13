"""Handler of the tool 'list_comments'.

This file is yours: mcpmint writes it once and never overwrites it.

Comments of an issue, oldest first.
"""

from __future__ import annotations

from ..models import ListCommentsInput, ListCommentsOutput
from ..runtime import ToolContext


async def list_comments(
    args: ListCommentsInput, ctx: ToolContext
) -> ListCommentsOutput:
    """Comments of an issue, oldest first."""
    raise NotImplementedError
