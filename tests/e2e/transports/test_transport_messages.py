"""Streamable HTTP bodies that are no JSON-RPC message, and ids reused in a session,
in every HTTP mode (stateful, stateless, JSON responses) and on both protocol eras."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx2
import pytest
from transport_helpers import ServerProcess, http_client

pytestmark = pytest.mark.timeout(60)

LEGACY = "2025-11-25"
HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
}
# JSON that is no JSON-RPC message, and the id its -32600 error carries.
NOT_MESSAGES: list[tuple[Any, Any]] = [
    ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}, None),
    ({"jsonrpc": "2.0", "id": False, "method": "ping"}, None),
    ({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}, None),
    ({"jsonrpc": "2.0", "id": None, "method": "ping"}, None),
    ({"jsonrpc": "2.0", "id": 7, "method": "ping", "params": [1]}, 7),
    ({"jsonrpc": "2.0", "id": "s"}, "s"),
    ([{"jsonrpc": "2.0", "id": 1, "method": "ping"}], None),
    ("ping", None),
]


def _messages(response: httpx2.Response) -> list[dict[str, Any]]:
    """The JSON-RPC messages of a JSON or event-stream answer."""
    if response.headers.get("content-type", "").startswith("application/json"):
        return [response.json()]
    return [
        json.loads(line[5:])
        for line in response.text.splitlines()
        if line.startswith("data:") and line[5:].strip()
    ]


async def _open_session(client: httpx2.AsyncClient, url: str) -> dict[str, str]:
    """initialize + initialized; the headers of later requests of the session."""
    headers = {**HEADERS, "MCP-Protocol-Version": LEGACY}
    initialize = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": LEGACY,
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "0"},
        },
    }
    response = await client.post(url, json=initialize, headers=headers)
    assert response.status_code == 200, response.text
    session = response.headers.get("mcp-session-id")
    if session is not None:
        headers["Mcp-Session-Id"] = session
    notified = await client.post(
        url,
        json={"jsonrpc": "2.0", "method": "notifications/initialized"},
        headers=headers,
    )
    assert notified.status_code == 202, notified.text
    return headers


@pytest.mark.parametrize("name", ["http", "stateless", "json"])
def test_json_that_is_no_message_gets_invalid_request(
    servers: dict[str, ServerProcess], name: str
) -> None:
    url = servers[name].base + "/mcp"

    async def scenario() -> None:
        async with http_client() as client:
            headers = await _open_session(client, url)
            for body, request_id in NOT_MESSAGES:
                response = await client.post(url, json=body, headers=headers)
                assert response.status_code == 400, (body, response.text)
                [error] = _messages(response)
                assert error["error"]["code"] == -32600, (body, error)
                assert error["id"] == request_id, (body, error)
                assert "pydantic" not in response.text
            echo = {"name": "echo", "arguments": {"text": "after"}}
            call = {"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": echo}
            answer = _messages(await client.post(url, json=call, headers=headers))
            assert answer[-1]["result"]["structuredContent"] == {"text": "after"}

    anyio.run(scenario)


def test_the_2026_era_refuses_json_that_is_no_message_too(
    servers: dict[str, ServerProcess],
) -> None:
    url = servers["http"].base + "/mcp"
    headers = {**HEADERS, "MCP-Protocol-Version": "2026-07-28"}

    async def scenario() -> None:
        async with http_client() as client:
            for body, _ in NOT_MESSAGES:
                response = await client.post(url, json=body, headers=headers)
                assert response.status_code == 400, (body, response.text)
                assert response.json()["error"]["code"] == -32600, body

    anyio.run(scenario)


@pytest.mark.parametrize("name", ["http", "json"])
def test_two_posts_with_one_id_in_a_session_are_both_answered(
    servers: dict[str, ServerProcess], name: str
) -> None:
    url = servers[name].base + "/mcp"

    async def scenario() -> list[list[dict[str, Any]]]:
        async with http_client() as client:
            headers = await _open_session(client, url)
            answers: list[list[dict[str, Any]]] = []

            async def post(steps: int) -> None:
                params = {"name": "slow", "arguments": {"steps": steps, "delay": 0.1}}
                call = {"jsonrpc": "2.0", "id": "7", "method": "tools/call"}
                response = await client.post(
                    url, json={**call, "params": params}, headers=headers
                )
                answers.append([m for m in _messages(response) if "id" in m])

            with anyio.fail_after(20):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(post, 2)
                    tg.start_soon(post, 3)
            return answers

    answers = anyio.run(scenario)
    texts = sorted(answer[0]["result"]["content"][0]["text"] for answer in answers)
    assert texts == ["done 2", "done 3"]
    assert all(len(answer) == 1 and answer[0]["id"] == "7" for answer in answers)
