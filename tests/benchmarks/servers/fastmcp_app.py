"""Hand-written server on FastMCP 4 (run from the interpreter that has fastmcp)."""

from __future__ import annotations

from typing import Annotated, Literal

from common import (
    ECHO_DESCRIPTION,
    SEARCH_DESCRIPTION,
    Filters,
    SearchOutput,
    parse_args,
    rank,
)
from fastmcp import FastMCP
from pydantic import Field

mcp = FastMCP("bench-fastmcp", version="1.0.0")


@mcp.tool(description=ECHO_DESCRIPTION, output_schema=None)
async def echo(text: Annotated[str, Field(max_length=10000)]) -> str:
    return text


@mcp.tool(description=SEARCH_DESCRIPTION)
async def search(
    query: Annotated[str, Field(min_length=1, max_length=200)],
    filters: Filters | None = None,
    limit: Annotated[int, Field(ge=1, le=50)] = 10,
    sort: Literal["relevance", "date"] = "relevance",
) -> SearchOutput:
    return rank(query, filters, limit)


def main() -> None:
    args = parse_args(("stdio", "http", "sse"))
    if args.road == "stdio":
        mcp.run("stdio", show_banner=False, log_level="WARNING")
        return
    mcp.run(
        "sse" if args.road == "sse" else "http",
        show_banner=False,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        stateless_http=args.stateless if args.road == "http" else None,
        json_response=args.json_response if args.road == "http" else None,
        host_origin_protection=True,
    )


if __name__ == "__main__":
    main()
