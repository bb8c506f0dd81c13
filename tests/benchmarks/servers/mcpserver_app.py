"""Hand-written server on the SDK's `MCPServer` (decorated functions, typed signatures)."""

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
from mcp.server.mcpserver import MCPServer
from pydantic import Field

mcp = MCPServer("bench-mcpserver", version="1.0.0", log_level="WARNING")


@mcp.tool(description=ECHO_DESCRIPTION, structured_output=False)
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
        mcp.run("stdio")
        return
    import uvicorn

    if args.road == "http":
        app = mcp.streamable_http_app(
            stateless_http=args.stateless, json_response=args.json_response
        )
    else:
        app = mcp.sse_app()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
