"""`http --stateless` answers request POSTs on the SDK's kernel (transports/
stateless_kernel.py): the same bytes as the SDK's own stateless transport, which
`MCPMINT_SDK_STATELESS=1` brings back, for every kind of POST, in both response
modes; and a client leaving mid-call still cancels its handler."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from transport_helpers import (
    ServerProcess,
    http_client,
    kernel_and_sdk_servers,
    spawn,
    wait_for,
)

pytestmark = pytest.mark.timeout(60)

SSE_ACCEPT = "application/json, text/event-stream"
# name -> the POST's extra headers and body.
CASES: dict[str, tuple[dict[str, str], Any]] = {
    "echo": ({}, {"name": "echo", "arguments": {"text": "h\u00e9 \u2603"}}),
    "progress": (
        {},
        {
            "name": "slow",
            "arguments": {"steps": 2, "delay": 0.01},
            "_meta": {"progressToken": "p1"},
        },
    ),
    "fail": ({}, {"name": "fail", "arguments": {}}),
    "unknown tool": ({}, {"name": "nope", "arguments": {}}),
    "bad params": ({}, {"name": 1}),
    "version header": ({"MCP-Protocol-Version": "2025-06-18"}, None),
    "json accept only": ({"Accept": "application/json"}, None),
    "wildcard accept": ({"Accept": "*/*"}, None),
    "no accept": ({"Accept": ""}, None),
    "text content type": ({"Content-Type": "text/plain"}, None),
    "jsonx content type": ({"Content-Type": "application/jsonx"}, None),
    "modern without envelope": ({"MCP-Protocol-Version": "2026-07-28"}, None),
}
MODERN = {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call"}
ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
}
for name, tool, arguments in [
    ("modern echo", "echo", {"text": "h\u00e9"}),
    ("modern progress", "slow", {"steps": 2, "delay": 0.01}),
    ("modern fail", "fail", {}),
    ("modern unknown tool", "nope", {}),
    ("modern bad params", "echo", {"text": 3}),
]:
    meta = {**ENVELOPE, "progressToken": 5}
    params = {"name": tool, "arguments": arguments, "_meta": meta}
    CASES[name] = ({**MODERN, "Mcp-Name": tool}, params)
CASES["modern wrong name header"] = (
    {**MODERN, "Mcp-Name": "x"},
    CASES["modern echo"][1],
)
MODES = {
    "events": ["http", "--stateless"],
    "json": ["http", "--stateless", "--json-response"],
}


def _request(name: str, case: tuple[dict[str, str], Any]) -> dict[str, Any]:
    params = case[1] or {"name": "echo", "arguments": {"text": name}}
    return {"jsonrpc": "2.0", "id": name, "method": "tools/call", "params": params}


@pytest.fixture(scope="module")
def pairs(
    pkg_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, tuple[ServerProcess, ServerProcess]]]:
    """Per mode: (kernel, SDK) stateless servers."""

    def launch(mode: str, sdk: bool) -> ServerProcess:
        env = {"MCPMINT_SDK_STATELESS": "1"} if sdk else {"MCPMINT_KERNEL_MODERN": "1"}
        workdir = tmp_path_factory.mktemp(f"{mode}-{'sdk' if sdk else 'kernel'}")
        return spawn(pkg_root, workdir, MODES[mode], env=env)

    yield from kernel_and_sdk_servers(list(MODES), launch)


async def _answer(server: ServerProcess, name: str) -> tuple[Any, ...]:
    headers = {"Accept": SSE_ACCEPT, "Content-Type": "application/json"}
    headers.update(CASES[name][0])
    body = json.dumps(_request(name, CASES[name]))
    async with http_client() as client:
        response = await client.post(
            f"{server.base}/mcp", content=body, headers=headers
        )
    kept = ("content-type", "content-length", "cache-control", "x-accel-buffering")
    return (
        response.status_code,
        {key: response.headers.get(key) for key in kept},
        response.content,
    )


@pytest.mark.parametrize("mode", list(MODES))
def test_the_kernel_answers_every_post_as_the_sdk_does(
    pairs: dict[str, tuple[ServerProcess, ServerProcess]], mode: str
) -> None:
    kernel, sdk = pairs[mode]
    for name in CASES:
        ours = anyio.run(_answer, kernel, name)
        theirs = anyio.run(_answer, sdk, name)
        assert ours == theirs, name
    if mode == "events":  # the request's notifications came before its answer
        progress = anyio.run(_answer, kernel, "progress")[2].decode()
        assert progress.count("notifications/progress") == 2, progress
        assert progress.index("notifications/progress") < progress.index('"result"')
    # The SDK's transport logs its end for every POST it answers; ours never runs.
    assert _transports_ended_by_a_call(kernel) == 0
    assert _transports_ended_by_a_call(sdk) == 1


def _transports_ended_by_a_call(server: ServerProcess) -> int:
    def ended() -> int:
        return server.log.read_text().count("Terminating session")

    before = ended()
    anyio.run(_answer, server, "echo")
    time.sleep(0.3)  # the SDK logs it once the answer is out
    return ended() - before


async def _leave_mid_call(server: ServerProcess) -> None:
    call = _request("leave", ({}, {"name": "slow", "arguments": {}}))
    call["params"]["arguments"] = {"steps": 1, "delay": 30, "tag": "left"}
    headers = {"Accept": SSE_ACCEPT, "Content-Type": "application/json"}
    async with http_client() as client:
        url = f"{server.base}/mcp"
        async with client.stream("POST", url, json=call, headers=headers) as response:
            assert response.status_code == 200
            assert wait_for(server.state_dir / "left.started")
    # The connection is closed: the handler is cancelled, not left running 30 s.


def test_a_client_leaving_mid_call_cancels_the_handler(
    pairs: dict[str, tuple[ServerProcess, ServerProcess]],
) -> None:
    kernel = pairs["events"][0]
    anyio.run(_leave_mid_call, kernel)
    assert wait_for(kernel.state_dir / "left.cancelled")
    assert not (kernel.state_dir / "left.finished").exists()
    assert anyio.run(_answer, kernel, "echo")[0] == 200  # and it goes on serving
