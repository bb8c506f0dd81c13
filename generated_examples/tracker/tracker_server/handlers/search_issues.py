"""Handler of the tool 'search_issues'.

This file is yours: mcpmint writes it once and never overwrites it.

Find issues by text, state, labels and assignee, a page at a time.
"""

from __future__ import annotations

from ..models import SearchIssuesInput, SearchIssuesOutput
from ..runtime import ToolContext
from . import ISSUES


async def search_issues(
    args: SearchIssuesInput, ctx: ToolContext
) -> SearchIssuesOutput:
    """Find issues by text, state, labels and assignee, a page at a time."""
    given = args.model_dump(mode="json", exclude_unset=True)
    query = given.get("query", "").lower()
    wanted = given.get("filter", {})
    found = [
        i
        for i in ISSUES.values()
        if query in i["title"].lower()
        and i["state"] in wanted.get("state", [i["state"]])
        and set(wanted.get("labels", [])) <= set(i["labels"])
        and ("assignee" not in wanted or wanted["assignee"] == i.get("assignee"))
    ]
    start = (args.page - 1) * args.per_page
    page = found[start : start + args.per_page]
    more = start + args.per_page < len(found)
    return SearchIssuesOutput.model_validate(
        {
            "total": len(found),
            "items": page,
            "next_page": args.page + 1 if more else None,
        }
    )
