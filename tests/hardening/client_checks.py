"""What the hostile-client tests check after each abuse: the right error, and a server
that still serves a normal call on a fresh connection of every network transport."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from hardening_support import ServerProcess, call, echo_text
from raw_clients import (
    HttpSession,
    SseSession,
    http_client,
    websocket,
    ws_handshake,
    ws_request,
)

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND = -32700, -32600, -32601

# Messages that are JSON but not JSON-RPC requests, and the id the error must carry.
WRONG_SHAPES: dict[str, tuple[Any, Any]] = {
    "no-method": ({"jsonrpc": "2.0", "id": 11}, 11),
    "jsonrpc-1.0": ({"jsonrpc": "1.0", "id": 12, "method": "ping"}, 12),
    "no-jsonrpc": ({"id": 13, "method": "ping"}, 13),
    "method-not-a-string": ({"jsonrpc": "2.0", "id": 14, "method": 5}, 14),
    "params-not-structured": (
        {"jsonrpc": "2.0", "id": 15, "method": "ping", "params": "x"},
        15,
    ),
    "object-id": ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}, None),
    "boolean-id": ({"jsonrpc": "2.0", "id": True, "method": "ping"}, None),
    "array": ([1, 2], None),
    "number": (42, None),
}


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 45))


async def still_serving(server: ServerProcess) -> None:
    """A normal call on a fresh connection of every network transport."""
    assert server.proc.poll() is None, server.stderr()
    async with http_client() as client:
        session = HttpSession(client, server.base + "/mcp")
        await session.handshake()
        assert (
            echo_text(
                await session.request(call(1, "get_conditions", {"city": "after-http"}))
            )
            == "echo:after-http"
        )
        await session.close()
        async with SseSession(client, server.base) as sse:
            await sse.handshake()
            assert (
                echo_text(
                    await sse.request(call(1, "get_conditions", {"city": "after-sse"}))
                )
                == "echo:after-sse"
            )
    async with websocket(server.ws_url) as ws:
        await ws_handshake(ws)
        assert (
            echo_text(
                await ws_request(ws, call(1, "get_conditions", {"city": "after-ws"}))
            )
            == "echo:after-ws"
        )


async def answer_to(what: Any, receiving: Any) -> dict[str, Any]:
    """The next message, or a failure that says what went unanswered."""
    try:
        message: dict[str, Any] = await receiving
    except TimeoutError:
        raise AssertionError(f"no answer to {what!r}") from None
    return message


def assert_error(message: dict[str, Any], code: int, request_id: Any) -> None:
    assert message.get("jsonrpc") == "2.0" and "result" not in message, message
    assert message["error"]["code"] == code and message.get("id") == request_id, message


@asynccontextmanager
async def http_session(server: ServerProcess) -> AsyncIterator[HttpSession]:
    """An initialised stateful session, deleted afterwards."""
    async with http_client() as client:
        session = HttpSession(client, server.base + "/mcp")
        await session.handshake()
        yield session
        await session.close()
