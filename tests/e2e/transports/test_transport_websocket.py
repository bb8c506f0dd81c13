"""The /ws endpoint with a raw WebSocket client: bad frames, limits, disconnects."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
import pytest
from transport_helpers import ServerProcess, auth, wait_for
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

pytestmark = pytest.mark.timeout(60)

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"},
    },
}


@asynccontextmanager
async def raw_ws(
    server: ServerProcess, subprotocols: list[str] | None = None
) -> AsyncIterator[ClientConnection]:
    offered = [
        Subprotocol(p) for p in (["mcp"] if subprotocols is None else subprotocols)
    ]
    async with connect(
        server.ws_url,
        subprotocols=offered or None,
        additional_headers=auth(),
        max_size=None,
    ) as ws:
        yield ws


async def _receive(ws: ClientConnection) -> dict[str, Any]:
    with anyio.fail_after(10):
        message: dict[str, Any] = json.loads(await ws.recv())
        return message


async def _initialize(ws: ClientConnection) -> dict[str, Any]:
    await ws.send(json.dumps(INITIALIZE))
    return await _receive(ws)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", -32700),
        (b'{"jsonrpc": "2.0", "id": 5, "method": "ping"}', -32600),
        ('[{"jsonrpc": "2.0", "id": 5, "method": "ping"}]', -32600),
    ],
    ids=["garbage", "binary", "batch"],
)
def test_a_bad_frame_gets_a_json_rpc_error_and_the_connection_keeps_working(
    servers: dict[str, ServerProcess], frame: str | bytes, code: int
) -> None:
    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with raw_ws(servers["serve"]) as ws:
            await ws.send(frame)
            error = await _receive(ws)
            return error, await _initialize(ws)

    error, initialized = anyio.run(scenario)
    assert error["jsonrpc"] == "2.0"
    assert error["id"] is None
    assert error["error"]["code"] == code
    assert initialized["id"] == 1
    assert initialized["result"]["serverInfo"]["name"] == "fakepkg"


def test_a_message_that_is_not_json_rpc_gets_invalid_request_with_its_id(
    servers: dict[str, ServerProcess],
) -> None:
    async def scenario() -> dict[str, Any]:
        async with raw_ws(servers["serve"]) as ws:
            await ws.send('{"id": 7, "method": 3}')
            return await _receive(ws)

    error = anyio.run(scenario)
    assert error["id"] == 7
    assert error["error"]["code"] == -32600


@pytest.mark.parametrize("offered", [[], ["graphql-ws"]], ids=["none", "other"])
def test_a_handshake_without_the_mcp_subprotocol_is_refused(
    servers: dict[str, ServerProcess], offered: list[str]
) -> None:
    async def scenario() -> None:
        async with raw_ws(servers["serve"], offered):
            pass

    with pytest.raises(InvalidStatus) as refused:
        anyio.run(scenario)
    assert refused.value.response.status_code == 400


def test_a_frame_above_the_size_cap_closes_that_connection_only(
    servers: dict[str, ServerProcess],
) -> None:
    server = servers["websocket"]  # MCP_WS_MAX_SIZE=65536 in its environment

    async def scenario() -> tuple[int | None, dict[str, Any]]:
        async with raw_ws(server) as ws:
            await ws.send(json.dumps({"pad": "x" * 100_000}))
            with pytest.raises(ConnectionClosed) as closed:
                await _receive(ws)
        async with raw_ws(server) as ws:
            return closed.value.rcvd.code if closed.value.rcvd else None, (
                await _initialize(ws)
            )

    code, initialized = anyio.run(scenario)
    assert code == 1009
    assert initialized["id"] == 1


def test_a_disconnect_mid_call_cancels_the_handler_and_others_are_served(
    servers: dict[str, ServerProcess],
) -> None:
    server = servers["serve"]
    tag = f"drop-{uuid.uuid4().hex}"
    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "slow", "arguments": {"steps": 400, "tag": tag}},
    }

    async def scenario() -> dict[str, Any]:
        async with raw_ws(server) as ws:
            await _initialize(ws)
            await ws.send(json.dumps(call))
            started = server.marker(f"{tag}.started")
            assert await anyio.to_thread.run_sync(wait_for, started)
        async with raw_ws(server) as other:
            return await _initialize(other)

    assert anyio.run(scenario)["id"] == 1
    assert wait_for(server.marker(f"{tag}.cancelled"))
    assert not server.marker(f"{tag}.finished").exists()
