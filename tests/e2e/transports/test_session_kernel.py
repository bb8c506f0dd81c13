"""Stateful HTTP sessions answer request POSTs on the SDK's kernel
(transports/session_kernel.py), with JSON or event-stream answers: the same
status, headers and bytes as the SDK's own session transport, which
`MCPMINT_SDK_SESSIONS=1` brings back, for every kind of POST; a cancelled call
and a session deleted mid-call are answered as the SDK answers them; a call in
flight holds the idle clock."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from transport_helpers import (
    ServerProcess,
    http_client,
    kernel_and_sdk_servers,
    spawn,
    wait_for,
)

pytestmark = pytest.mark.timeout(60)

ACCEPT = "application/json, text/event-stream"
INITIALIZE = {
    "protocolVersion": "2025-06-18",
    "capabilities": {},
    "clientInfo": {"name": "t", "version": "1"},
}


def _call(tool: str, arguments: Any, **extra: Any) -> dict[str, Any]:
    params = {"name": tool, "arguments": arguments, **extra}
    return {"method": "tools/call", "params": params}


PING = {"method": "ping"}
# name -> the POST's extra headers and JSON-RPC message (id: the name, if none).
CASES: dict[str, tuple[dict[str, str], dict[str, Any]]] = {
    "echo": ({}, _call("echo", {"text": "h\u00e9 \u2603"})),
    "progress": (
        {},
        _call("slow", {"steps": 2, "delay": 0.01}, _meta={"progressToken": "p"}),
    ),
    "fail": ({}, _call("fail", {})),
    "unknown tool": ({}, _call("nope", {})),
    "bad params": ({}, {"method": "tools/call", "params": {"name": 1}}),
    "list": ({}, {"method": "tools/list"}),
    "ping": ({}, {"method": "ping", "id": 7}),
    "unknown method": ({}, {"method": "nope/nope"}),
    "second initialize": ({}, {"method": "initialize", "params": INITIALIZE}),
    "version header": ({"MCP-Protocol-Version": "2025-06-18"}, PING),
    "old version header": ({"MCP-Protocol-Version": "2025-03-26"}, PING),
    "bad version header": ({"MCP-Protocol-Version": "1999-01-01"}, PING),
    "json accept only": ({"Accept": "application/json"}, PING),
    "event accept only": ({"Accept": "text/event-stream"}, PING),
    "wildcard accept": ({"Accept": "*/*"}, PING),
    "text content type": ({"Content-Type": "text/plain"}, PING),
    "unknown session": ({"Mcp-Session-Id": "f" * 32}, PING),
    "notification": ({}, {"method": "notifications/roots/list_changed"}),
}
IDLE = ["--session-idle-timeout", "1"]
# mode -> arguments, and the kernel's environment (the SDK's: MCPMINT_SDK_SESSIONS=1).
MODES: dict[str, tuple[list[str], dict[str, str]]] = {
    "json": (["http", "--json-response", *IDLE], {}),
    "events": (["http", *IDLE], {}),
}


@pytest.fixture(scope="module")
def pairs(
    pkg_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, tuple[ServerProcess, ServerProcess]]]:
    """Per mode: (kernel, SDK) servers."""

    def launch(mode: str, sdk: bool) -> ServerProcess:
        args, env = MODES[mode]
        env = {"MCPMINT_SDK_SESSIONS": "1"} if sdk else env
        workdir = tmp_path_factory.mktemp(f"{mode}-{'sdk' if sdk else 'kernel'}")
        return spawn(pkg_root, workdir, args, env=env)

    yield from kernel_and_sdk_servers(list(MODES), launch)


class _Session:
    def __init__(self, client: httpx2.AsyncClient, url: str, session_id: str):
        self.client, self.url, self.id = client, url, session_id

    async def post(
        self, message: dict[str, Any], headers: dict[str, str] | None = None
    ) -> httpx2.Response:
        sent = {"Accept": ACCEPT, "Content-Type": "application/json"}
        sent["Mcp-Session-Id"] = self.id
        sent.update(headers or {})
        body = json.dumps({"jsonrpc": "2.0", **message})
        return await self.client.post(self.url, content=body, headers=sent)


@asynccontextmanager
async def _session(server: ServerProcess) -> AsyncIterator[_Session]:
    async with http_client() as client:
        opening = _Session(client, f"{server.base}/mcp", "")
        message = {"id": 0, "method": "initialize", "params": INITIALIZE}
        headers = {"Accept": ACCEPT, "Content-Type": "application/json"}
        message["jsonrpc"] = "2.0"
        response = await client.post(opening.url, json=message, headers=headers)
        assert response.status_code == 200, response.text
        session = _Session(client, opening.url, response.headers["mcp-session-id"])
        answer = await session.post({"method": "notifications/initialized"})
        assert answer.status_code == 202
        yield session


def _seen(response: httpx2.Response, session: _Session) -> tuple[Any, ...]:
    headers = [
        (name, "<session>" if value == session.id else value)
        for name, value in response.headers.multi_items()
        if name != "date"
    ]
    return response.status_code, headers, response.content


async def _answers(server: ServerProcess) -> dict[str, tuple[Any, ...]]:
    seen = {}
    async with _session(server) as session:
        for name, (headers, message) in CASES.items():
            if "id" not in message and not message["method"].startswith("notif"):
                message = {**message, "id": name}
            seen[name] = _seen(await session.post(message, headers), session)
    return seen


@pytest.mark.parametrize("mode", list(MODES))
def test_the_kernel_answers_every_post_as_the_sdk_does(
    pairs: dict[str, tuple[ServerProcess, ServerProcess]], mode: str
) -> None:
    kernel, sdk = pairs[mode]
    ours, theirs = anyio.run(_answers, kernel), anyio.run(_answers, sdk)
    for name in CASES:
        assert ours[name] == theirs[name], name
    echo = ours["echo"][2].removeprefix(b"event: message\r\ndata: ")
    assert json.loads(echo)["result"]["structuredContent"] == {"text": "h\u00e9 \u2603"}
    if mode == "events":  # the request's notifications came before its answer
        progress = ours["progress"][2].decode()
        assert progress.count("notifications/progress") == 2, progress
        assert progress.index("notifications/progress") < progress.index('"result"')


async def _same_id_twice(server: ServerProcess) -> float:
    """Seconds an echo waits when a slow call with its id is in flight."""
    async with _session(server) as session:
        slow = {"name": "slow", "arguments": {"steps": 1, "delay": 1.5}}
        echo = {"name": "echo", "arguments": {"text": "x"}}
        async with anyio.create_task_group() as group:
            group.start_soon(
                session.post, {"id": 1, "method": "tools/call", "params": slow}
            )
            await anyio.sleep(0.3)
            started = anyio.current_time()
            await session.post({"id": 1, "method": "tools/call", "params": echo})
            return anyio.current_time() - started


@pytest.mark.parametrize("mode", list(MODES))
def test_the_kernel_answers_a_session_request_itself(
    pairs: dict[str, tuple[ServerProcess, ServerProcess]], mode: str
) -> None:
    # The SDK's way (through its session's dispatcher) makes a POST reusing
    # the id of a call in flight wait for it (app.py); the kernel answers both.
    kernel, sdk = pairs[mode]
    assert anyio.run(_same_id_twice, kernel) < 0.8
    assert anyio.run(_same_id_twice, sdk) > 0.8


async def _started(path: Path) -> None:
    with anyio.fail_after(10):
        while not path.exists():
            await anyio.sleep(0.02)


async def _cancel_and_delete(server: ServerProcess) -> list[tuple[Any, ...]]:
    seen = []
    async with _session(server) as session:
        call = {"name": "slow", "arguments": {"steps": 1, "delay": 30, "tag": "c"}}
        answers: list[httpx2.Response] = []

        async def post(message: dict[str, Any]) -> None:
            answers.append(await session.post(message))

        async with anyio.create_task_group() as group:
            group.start_soon(post, {"id": 3, "method": "tools/call", "params": call})
            await _started(server.state_dir / "c.started")
            params = {"requestId": 3, "reason": "no"}
            await session.post({"method": "notifications/cancelled", "params": params})
        assert wait_for(server.state_dir / "c.cancelled")
        seen.append(_seen(answers.pop(), session))
        call["arguments"]["tag"] = "d"
        async with anyio.create_task_group() as group:
            group.start_soon(post, {"id": 4, "method": "tools/call", "params": call})
            await _started(server.state_dir / "d.started")
            headers = {"Mcp-Session-Id": session.id}
            deleted = await session.client.delete(session.url, headers=headers)
            assert deleted.status_code == 200
        seen.append(_seen(answers.pop(), session))
        seen.append(_seen(await session.post({"id": 5, "method": "ping"}), session))
    return seen


@pytest.mark.parametrize("mode", list(MODES))
def test_cancelled_and_deleted_mid_call_as_the_sdk_answers(
    pairs: dict[str, tuple[ServerProcess, ServerProcess]], mode: str
) -> None:
    kernel, sdk = pairs[mode]
    ours = anyio.run(_cancel_and_delete, kernel)
    assert ours == anyio.run(_cancel_and_delete, sdk)
    cancelled = ours[0][2].removeprefix(b"event: message\r\ndata: ")
    assert json.loads(cancelled)["error"]["code"] == -32800
    ended = 200 if mode == "events" else 500  # events: the stream just ends
    assert [status for status, _, _ in ours] == [200, ended, 404]


async def _outlive_idle_timeout(server: ServerProcess) -> list[int]:
    async with _session(server) as session:
        call = {"name": "slow", "arguments": {"steps": 2, "delay": 0.8}}
        answer = await session.post({"id": 1, "method": "tools/call", "params": call})
        again = await session.post({"id": 2, "method": "ping"})
        await anyio.sleep(1.5)  # idle past --session-idle-timeout 1
        gone = await session.post({"id": 3, "method": "ping"})
        return [answer.status_code, again.status_code, gone.status_code]


@pytest.mark.parametrize("mode", list(MODES))
def test_a_call_in_flight_holds_the_idle_clock(
    pairs: dict[str, tuple[ServerProcess, ServerProcess]], mode: str
) -> None:
    kernel, sdk = pairs[mode]
    assert anyio.run(_outlive_idle_timeout, kernel) == [200, 200, 404]
    assert anyio.run(_outlive_idle_timeout, sdk) == [200, 200, 404]
