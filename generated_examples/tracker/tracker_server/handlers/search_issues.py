"""Handler of the tool 'search_issues'.

This file is yours: mcpmint writes it once and never overwrites it.

Find issues by text, state, labels and assignee, a page at a time.
"""

from __future__ import annotations

from ..models import SearchIssuesInput, SearchIssuesOutput
from ..runtime import ToolContext


async def search_issues(
    args: SearchIssuesInput, ctx: ToolContext
) -> SearchIssuesOutput:
    """Find issues by text, state, labels and assignee, a page at a time."""
    raise NotImplementedError
