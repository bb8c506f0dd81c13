"""Calls, progress and cancellation over HTTP, SSE, WebSocket and `serve`."""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import anyio.to_thread
import mcp_types as types
import pytest
from mcp.shared.exceptions import MCPError
from transport_helpers import ServerProcess, connect, wait_for

pytestmark = pytest.mark.timeout(60)

# (server fixture entry, client transport)
ROUND_TRIPS = [
    ("http", "http"),
    ("stateless", "http"),
    ("json", "http"),
    ("sse", "sse"),
    ("websocket", "websocket"),
    ("serve", "http"),
    ("serve", "sse"),
    ("serve", "websocket"),
]
STREAMING = [
    ("http", "http"),
    ("sse", "sse"),
    ("websocket", "websocket"),
    ("serve", "http"),
    ("serve", "websocket"),
]
MODES = ["legacy", "auto"]


def _id(case: tuple[str, str]) -> str:
    return case[0] if case[0] == case[1] else f"{case[0]}-{case[1]}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", ROUND_TRIPS, ids=_id)
def test_a_call_round_trips_and_a_failing_tool_leaves_the_server_serving(
    servers: dict[str, ServerProcess], case: tuple[str, str], mode: str
) -> None:
    server, kind = servers[case[0]], case[1]

    async def scenario() -> tuple[Any, Any, MCPError]:
        async with connect(kind, server, mode) as client:
            first = await client.call_tool("echo", {"text": "héllo"})
            with pytest.raises(MCPError) as failure:
                await client.call_tool("fail", {})
            again = await client.call_tool("echo", {"text": "again"})
            return first, again, failure.value

    first, again, failure = anyio.run(scenario)
    assert not first.is_error
    assert first.structured_content == {"text": "héllo"}
    assert again.structured_content == {"text": "again"}
    assert failure.code in (0, types.INTERNAL_ERROR)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", STREAMING, ids=_id)
def test_progress_notifications_arrive_before_the_result(
    servers: dict[str, ServerProcess], case: tuple[str, str], mode: str
) -> None:
    server, kind = servers[case[0]], case[1]
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(done: float, total: float | None, msg: str | None) -> None:
        seen.append((done, total, msg))

    async def scenario() -> Any:
        async with connect(kind, server, mode) as client:
            arguments = {"steps": 3, "delay": 0.01}
            return await client.call_tool(
                "slow", arguments, progress_callback=on_progress
            )

    result = anyio.run(scenario)
    assert result.content[0].text == "done 3"
    assert seen == [(1, 3, "step 1"), (2, 3, "step 2"), (3, 3, "step 3")]


@pytest.mark.parametrize("case", STREAMING[:3], ids=_id)
def test_cancelling_a_call_cancels_its_handler_and_the_session_goes_on(
    servers: dict[str, ServerProcess], case: tuple[str, str]
) -> None:
    server, kind = servers[case[0]], case[1]
    tag = f"cancel-{uuid.uuid4().hex}"

    async def scenario() -> Any:
        async with connect(kind, server) as client:
            async with anyio.create_task_group() as tg:
                arguments = {"steps": 400, "delay": 0.05, "tag": tag}
                tg.start_soon(client.call_tool, "slow", arguments)
                started = server.marker(f"{tag}.started")
                assert await anyio.to_thread.run_sync(wait_for, started)
                tg.cancel_scope.cancel()
            cancelled = server.marker(f"{tag}.cancelled")
            assert await anyio.to_thread.run_sync(wait_for, cancelled)
            return await client.call_tool("echo", {"text": "after"})

    after = anyio.run(scenario)
    assert after.structured_content == {"text": "after"}
    assert not server.marker(f"{tag}.finished").exists()
