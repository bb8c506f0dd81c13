"""What every hand-written comparison server shares: the models, the ranking, the CLI.

Each server is the best a careful engineer would write by hand on its framework: input
validated with Pydantic models written for the schema, a typed structured output, no
debug logging (uvicorn at `warning`, like the generated server under `--log-level
warning`), DNS-rebinding protection on where the framework offers it.
"""

from __future__ import annotations

import argparse
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Tag = Literal["python", "rust", "go", "sdk", "spec", "docs"]
ECHO_DESCRIPTION = "Return the text unchanged."
SEARCH_DESCRIPTION = "Search the documents; results ranked by score."


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DateRange(_Closed):
    start: str
    end: str | None = None


class Filters(_Closed):
    tags: Annotated[list[Tag], Field(max_length=6)] = []
    min_score: Annotated[float, Field(ge=0, le=1)] = 0
    date_range: DateRange | None = None


class EchoInput(_Closed):
    text: Annotated[str, Field(max_length=10000)]


class SearchInput(_Closed):
    query: Annotated[str, Field(min_length=1, max_length=200)]
    filters: Filters | None = None
    limit: Annotated[int, Field(ge=1, le=50)] = 10
    sort: Literal["relevance", "date"] = "relevance"


class Hit(_Closed):
    id: str
    title: str
    score: Annotated[float, Field(ge=0, le=1)]
    tags: list[Tag]


class SearchOutput(BaseModel):
    total: Annotated[int, Field(ge=0)]
    hits: list[Hit]


def rank(query: str, filters: Filters | None, limit: int) -> SearchOutput:
    """The benchmark's search: `limit` hits, scores falling by 0.05 (same everywhere)."""
    tags: list[Tag] = ["python"]
    min_score = 0.0
    if filters is not None:
        tags = list(filters.tags) or tags
        min_score = filters.min_score
    hits = []
    for i in range(limit):
        score = round(1.0 - 0.05 * i, 2)
        if score < min_score:
            break
        hits.append(Hit(id=f"doc-{i}", title=f"{query} #{i}", score=score, tags=tags))
    return SearchOutput(total=len(hits), hits=hits)


def parse_args(roads: tuple[str, ...]) -> argparse.Namespace:
    """`ROAD [--port N] [--stateless] [--json-response]`."""
    parser = argparse.ArgumentParser()
    parser.add_argument("road", choices=roads)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stateless", action="store_true")
    parser.add_argument("--json-response", action="store_true")
    return parser.parse_args()


LOOPBACK_HOSTS = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
LOOPBACK_ORIGINS = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
