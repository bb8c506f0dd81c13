"""Handler of the benchmark's `search` tool (copied into the generated project).

The same ranking as every other compared server (`servers/common.py`): `limit` hits,
scores falling by 0.05, each tagged with the requested tags (or `python`).
"""

from __future__ import annotations

from mcpmint_runtime import ToolContext
from pydantic import MISSING

from ..models import Hit, SearchInput, SearchOutput


async def search(args: SearchInput, ctx: ToolContext) -> SearchOutput:
    """Search the documents; results ranked by score."""
    filters = args.filters
    tags = ["python"]
    min_score: float = 0
    if filters is not MISSING:
        if filters.tags is not MISSING and filters.tags:
            tags = list(filters.tags)
        min_score = filters.min_score
    hits = []
    for i in range(args.limit):
        score = round(1.0 - 0.05 * i, 2)
        if score < min_score:
            break
        hits.append(
            Hit(id=f"doc-{i}", title=f"{args.query} #{i}", score=score, tags=tags)
        )
    return SearchOutput(total=len(hits), hits=hits)
