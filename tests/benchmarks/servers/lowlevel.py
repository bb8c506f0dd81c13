"""Hand-written server on the SDK's low-level `Server`, on the SDK's own transports.

stdio: `mcp.server.stdio.stdio_server`; http: `StreamableHTTPSessionManager`;
sse: `SseServerTransport`. Arguments are validated with the models in common.py.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import mcp_types as types
from common import (
    ECHO_DESCRIPTION,
    LOOPBACK_HOSTS,
    LOOPBACK_ORIGINS,
    SEARCH_DESCRIPTION,
    EchoInput,
    SearchInput,
    SearchOutput,
    parse_args,
    rank,
)
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from pydantic import ValidationError

TOOLS = [
    types.Tool(
        name="echo",
        description=ECHO_DESCRIPTION,
        input_schema=EchoInput.model_json_schema(),
    ),
    types.Tool(
        name="search",
        description=SEARCH_DESCRIPTION,
        input_schema=SearchInput.model_json_schema(),
        output_schema=SearchOutput.model_json_schema(),
    ),
]
LISTING = types.ListToolsResult(tools=TOOLS)
SCHEMAS = {tool.name: tool.input_schema for tool in TOOLS}


def _text(text: str, is_error: bool = False) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], is_error=is_error
    )


async def on_list_tools(
    ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    return LISTING


async def on_call_tool(
    ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
) -> types.CallToolResult:
    arguments = params.arguments or {}
    try:
        if params.name == "echo":
            return _text(EchoInput.model_validate(arguments).text)
        if params.name == "search":
            args = SearchInput.model_validate(arguments)
            data = rank(args.query, args.filters, args.limit).model_dump(mode="json")
            return types.CallToolResult(
                content=[types.TextContent(type="text", text=json.dumps(data))],
                structured_content=data,
            )
    except ValidationError as exc:
        return _text(f"Invalid arguments: {exc}", is_error=True)
    raise MCPError(types.INVALID_PARAMS, f"Unknown tool: {params.name}")


server = Server(
    "bench-lowlevel",
    version="1.0.0",
    get_tool_input_schema=SCHEMAS.get,
    on_list_tools=on_list_tools,
    on_call_tool=on_call_tool,
)


async def run_stdio() -> None:
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def _security() -> Any:
    from mcp.server.transport_security import TransportSecuritySettings

    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=LOOPBACK_HOSTS,
        allowed_origins=LOOPBACK_ORIGINS,
    )


def http_app(stateless: bool, json_response: bool) -> Any:
    from mcp.server.streamable_http_manager import (
        StreamableHTTPASGIApp,
        StreamableHTTPSessionManager,
    )
    from starlette.applications import Starlette
    from starlette.routing import Route

    manager = StreamableHTTPSessionManager(
        app=server,
        stateless=stateless,
        json_response=json_response,
        security_settings=_security(),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with manager.run():
            yield

    endpoint = StreamableHTTPASGIApp(manager)
    routes = [Route("/mcp", endpoint, methods=["GET", "POST", "DELETE"])]
    return Starlette(routes=routes, lifespan=lifespan)


class _SseEndpoint:
    def __init__(self, sse: Any) -> None:
        self._sse = sse

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async with self._sse.connect_sse(scope, receive, send) as (read, write):
            await server.run(read, write, server.create_initialization_options())


def sse_app() -> Any:
    from mcp.server.sse import SseServerTransport
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route

    sse = SseServerTransport("/messages/", security_settings=_security())
    routes = [
        Route("/sse", _SseEndpoint(sse), methods=["GET"]),
        Mount("/messages/", app=sse.handle_post_message),
    ]
    return Starlette(routes=routes)


def main() -> None:
    args = parse_args(("stdio", "http", "sse"))
    if args.road == "stdio":
        anyio.run(run_stdio)
        return
    import uvicorn

    if args.road == "http":
        app = http_app(args.stateless, args.json_response)
    else:
        app = sse_app()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
