"""The legacy SSE road on the SDK's session loops (transports/sse_kernel.py): the
same bytes as the SDK's `SseServerTransport`, which `MCPMINT_SDK_SSE=1` brings
back, for a whole session (event stream and every POST answer, good and bad: a
request to the client answered by POST, a log message and a list change on the
way, progress, errors) in both protocol eras; and a client leaving mid-call
still cancels its handler."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from transport_helpers import ServerProcess, http_client, spawn, wait_for

from listening import ready

pytestmark = pytest.mark.timeout(60)

JSON = {"Content-Type": "application/json"}
PING = b'{"jsonrpc":"2.0","method":"ping","id":1}'
ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
}
INIT = {
    "protocolVersion": "2025-11-25",
    "capabilities": {},
    "clientInfo": {"name": "t", "version": "1"},
}
# (params of a tools/call or a whole message, wait for an answer with this id)
HANDSHAKE: list[tuple[dict[str, Any], Any]] = [
    ({"id": 1, "method": "initialize", "params": INIT}, 1),
    ({"method": "notifications/initialized"}, None),
    ({"id": 2, "method": "tools/list"}, 2),
    (
        {
            "id": 3,
            "method": "tools/call",
            "params": {"name": "echo", "arguments": {"text": "h\u00e9 \u2603"}},
        },
        3,
    ),
    (
        {
            "id": "p",
            "method": "tools/call",
            "params": {
                "name": "slow",
                "arguments": {"steps": 2, "delay": 0.01},
                "_meta": {"progressToken": "t"},
            },
        },
        "p",
    ),
    ({"id": 5, "method": "tools/call", "params": {"name": "fail", "arguments": {}}}, 5),
    ({"id": 6, "method": "tools/call", "params": {"name": "nope", "arguments": {}}}, 6),
    ({"id": 7, "method": "tools/call", "params": {"name": 1}}, 7),
    ({"id": 8, "method": "ping"}, 8),
    (
        {"id": "a", "method": "tools/call", "params": {"name": "ask", "arguments": {}}},
        "a",
    ),
    ({"id": 11, "method": "logging/setLevel", "params": {"level": "debug"}}, 11),
    ({"id": 9, "method": "no/such"}, 9),
    ({"id": 99, "result": {}}, None),  # an answer to no request of the server's
    (
        {
            "id": 10,
            "method": "tools/call",
            "params": {"name": "echo", "arguments": {"text": "x"}, "_meta": ENVELOPE},
        },
        10,
    ),
]
MODERN: list[tuple[dict[str, Any], Any]] = [
    (
        {
            "id": 1,
            "method": "tools/call",
            "params": {"name": "echo", "arguments": {"text": "m"}, "_meta": ENVELOPE},
        },
        1,
    ),
    ({"id": 2, "method": "initialize", "params": INIT}, 2),
    (
        {
            "id": 3,
            "method": "tools/call",
            "params": {"name": "fail", "arguments": {}, "_meta": ENVELOPE},
        },
        3,
    ),
]
# (query, headers, body) of POSTs refused without touching a session.
BAD_POSTS: list[tuple[str, dict[str, str], bytes]] = [
    ("", JSON, PING),
    ("?session_id=nothex", JSON, PING),
    ("?session_id=" + "0" * 32, JSON, PING),
    (
        "SESSION",
        {"Content-Type": "text/plain"},
        b'{"jsonrpc":"2.0","method":"ping","id":1}',
    ),
    ("SESSION", JSON, b"{not json"),
    ("SESSION", JSON, b'{"jsonrpc":"2.0","id":{},"method":"ping"}'),
    ("SESSION", JSON, b'{"jsonrpc":"2.0","id":1,"method":"ping","params":7}'),
]
SESSION = re.compile(rb"session_id=[0-9a-f]{32}")


@pytest.fixture(scope="module")
def pair(
    pkg_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """(kernel, SDK) SSE servers."""

    def launch(sdk: bool) -> ServerProcess:
        env = {"MCPMINT_SDK_SSE": "1"} if sdk else {}
        workdir = tmp_path_factory.mktemp("sdk" if sdk else "kernel")
        return spawn(pkg_root, workdir, ["sse"], env=env)

    started = [launch(False), launch(True)]
    try:
        started[0] = ready(started[0], lambda: launch(False))
        started[1] = ready(started[1], lambda: launch(True))
        yield started[0], started[1]
    finally:
        for server in started:
            server.proc.terminate()
        for server in started:
            server.wait()


def _head(response: httpx2.Response) -> tuple[Any, ...]:
    """The status and every header but the date, in order."""
    raw = response.headers.raw
    return response.status_code, [(k, v) for k, v in raw if k.lower() != b"date"]


class _Stream:
    """The GET /sse stream: every byte, read up to what a test waits for."""

    def __init__(self, response: httpx2.Response) -> None:
        self.seen = b""
        self._chunks = response.aiter_raw()

    async def until(self, needle: bytes) -> None:
        while needle not in self.seen:
            self.seen += await anext(self._chunks)

    def endpoint(self) -> str:
        found = re.search(rb"data: (/messages/\?session_id=[0-9a-f]{32})", self.seen)
        assert found is not None, self.seen
        return found.group(1).decode()


async def _answer_ping(client: httpx2.AsyncClient, url: str, stream: _Stream) -> None:
    """Answer the server's ping request (the `ask` tool's) by POST."""
    await stream.until(b'"method":"ping"')
    found = re.search(rb'"id":(\d+),"method":"ping"', stream.seen)
    assert found is not None, stream.seen
    answer = {"jsonrpc": "2.0", "id": int(found.group(1)), "result": {}}
    assert (await client.post(url, json=answer)).status_code == 202


async def _session(
    server: ServerProcess, script: list[tuple[dict[str, Any], Any]]
) -> list[Any]:
    """Everything the client sees of a session, session ids blanked."""
    seen: list[Any] = []
    async with http_client() as client:
        url = f"{server.base}/sse"
        async with client.stream("GET", url) as response:
            seen.append(_head(response))
            stream = _Stream(response)
            await stream.until(b"\r\n\r\n")
            endpoint = stream.endpoint()
            for message, answer_id in script:
                body = json.dumps({"jsonrpc": "2.0", **message}).encode()
                post = await client.post(
                    server.base + endpoint, content=body, headers=JSON
                )
                seen.append((*_head(post), post.content))
                if message.get("params", {}).get("name") == "ask":
                    await _answer_ping(client, server.base + endpoint, stream)
                if answer_id is not None:
                    await stream.until(b'"id":' + json.dumps(answer_id).encode() + b",")
            for query, headers, body in BAD_POSTS:
                target = endpoint if query == "SESSION" else "/messages/" + query
                post = await client.post(
                    server.base + target, content=body, headers=headers
                )
                seen.append((*_head(post), post.content))
            wrong_method = await client.get(server.base + endpoint)
            seen.append((*_head(wrong_method), wrong_method.content))
            seen.append(SESSION.sub(b"session_id=ID", stream.seen))
        head = await client.head(url)
        seen.append((*_head(head), head.content))
        # Once the stream is closed its session is gone (soon: the server notices).
        for _ in range(50):
            gone = await client.post(server.base + endpoint, content=PING, headers=JSON)
            if gone.status_code != 202:
                break
            await anyio.sleep(0.05)
        seen.append((*_head(gone), gone.content))
    return seen


@pytest.mark.parametrize("script", ["handshake", "modern"])
def test_a_session_on_the_kernel_shows_the_sdks_bytes(
    pair: tuple[ServerProcess, ServerProcess], script: str
) -> None:
    steps = HANDSHAKE if script == "handshake" else MODERN
    kernel, sdk = pair
    ours = anyio.run(_session, kernel, steps)
    theirs = anyio.run(_session, sdk, steps)
    for index, (mine, sdks) in enumerate(zip(ours, theirs, strict=True)):
        assert mine == sdks, index
    stream = ours[-3].decode()
    assert stream.startswith("event: endpoint\r\ndata: /messages/?session_id=ID")
    if script == "handshake":  # the call's notifications came before its answer
        assert stream.count("notifications/progress") == 2, stream
        assert stream.index("notifications/progress") < stream.index('"id":"p"')
        for seen in ("notifications/message", "notifications/tools/list_changed"):
            assert stream.index(seen) < stream.index('"id":"a"'), seen
        assert "answered {" in stream
    assert ours[-1][0] == 404  # the closed stream's session
    # Which code answered: each logs the unknown session under its own name.
    unknown = "Could not find session for ID"
    assert f"transports.sse_kernel: {unknown}" in kernel.stderr()
    assert f"mcp.server.sse: {unknown}" in sdk.stderr()
    assert "mcp.server.sse:" not in kernel.stderr()


async def _leave_mid_call(server: ServerProcess) -> None:
    call = {"name": "slow", "arguments": {"steps": 1, "delay": 30, "tag": "left"}}
    async with http_client() as client:
        async with client.stream("GET", f"{server.base}/sse") as response:
            stream = _Stream(response)
            await stream.until(b"\r\n\r\n")
            endpoint = server.base + stream.endpoint()
            for message in (
                {"id": 1, "method": "initialize", "params": INIT},
                {"method": "notifications/initialized"},
                {"id": 2, "method": "tools/call", "params": call},
            ):
                body = {"jsonrpc": "2.0", **message}
                assert (await client.post(endpoint, json=body)).status_code == 202
            assert wait_for(server.state_dir / "left.started")
    # The stream is closed: the handler is cancelled, not left running 30 s.


def test_a_client_leaving_mid_call_cancels_the_handler(
    pair: tuple[ServerProcess, ServerProcess],
) -> None:
    kernel = pair[0]
    anyio.run(_leave_mid_call, kernel)
    assert wait_for(kernel.state_dir / "left.cancelled")
    assert not (kernel.state_dir / "left.finished").exists()
    assert anyio.run(_session, kernel, HANDSHAKE[:3])[-1][0] == 404  # still serving
