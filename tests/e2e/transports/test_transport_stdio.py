"""`python -m fakepkg stdio`: calls, progress, cancel, bad input, exits."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.shared.exceptions import MCPError
from transport_helpers import ServerProcess, spawn, wait_for

pytestmark = pytest.mark.timeout(60)

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "0"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def _call(request_id: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"name": name, "arguments": arguments}
    if name == "slow":
        params["_meta"] = {"progressToken": request_id}
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": params,
    }


class RawStdio:
    """A stdio server driven line by line, as an MCP host does."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        assert server.proc.stdin is not None and server.proc.stdout is not None
        self.stdin, self.stdout = server.proc.stdin, server.proc.stdout

    def send(self, message: dict[str, Any] | bytes) -> None:
        data = message if isinstance(message, bytes) else json.dumps(message).encode()
        self.stdin.write(data + b"\n")
        self.stdin.flush()

    def receive(self) -> dict[str, Any]:
        line = self.stdout.readline()
        assert line, f"stdout closed:\n{self.server.stderr()}"
        message: dict[str, Any] = json.loads(line)  # stdout carries JSON only
        return message

    def handshake(self) -> None:
        self.send(INITIALIZE)
        assert self.receive()["id"] == 1
        self.send(INITIALIZED)


@pytest.fixture
def raw(pkg_root: Path, tmp_path: Path) -> Any:
    server = spawn(
        pkg_root, tmp_path, ["stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    yield RawStdio(server)
    if server.proc.poll() is None:
        server.proc.kill()
    server.proc.wait()
    for stream in (server.proc.stdin, server.proc.stdout):
        if stream is not None:
            stream.close()


def _params(pkg_root: Path, state: Path) -> StdioServerParameters:
    env = {**os.environ, "PYTHONPATH": str(pkg_root), "FAKEPKG_STATE_DIR": str(state)}
    return StdioServerParameters(
        command=sys.executable, args=["-m", "fakepkg", "stdio"], env=env
    )


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_a_call_round_trips_over_stdio_with_progress(
    pkg_root: Path, tmp_path: Path, mode: str
) -> None:
    seen: list[float] = []

    async def on_progress(done: float, total: float | None, msg: str | None) -> None:
        seen.append(done)

    async def scenario() -> tuple[Any, Any, MCPError]:
        async with Client(_params(pkg_root, tmp_path), mode=mode) as client:
            echo = await client.call_tool("echo", {"text": "héllo"})
            slow = await client.call_tool(
                "slow", {"steps": 3, "delay": 0.01}, progress_callback=on_progress
            )
            with pytest.raises(MCPError) as failure:
                await client.call_tool("fail", {})
            return echo, slow, failure.value

    echo, slow, failure = anyio.run(scenario)
    assert echo.structured_content == {"text": "héllo"}
    assert slow.content[0].text == "done 3"
    assert seen == [1, 2, 3]
    assert "boom" in failure.message or failure.code != 0


def test_cancelling_a_call_over_stdio_cancels_its_handler(
    pkg_root: Path, tmp_path: Path
) -> None:
    tag = f"cancel-{uuid.uuid4().hex}"

    async def scenario() -> Any:
        async with Client(_params(pkg_root, tmp_path), mode="legacy") as client:
            async with anyio.create_task_group() as tg:
                arguments = {"steps": 400, "delay": 0.05, "tag": tag}
                tg.start_soon(client.call_tool, "slow", arguments)
                started = tmp_path / f"{tag}.started"
                assert await anyio.to_thread.run_sync(wait_for, started)
                tg.cancel_scope.cancel()
            cancelled = tmp_path / f"{tag}.cancelled"
            assert await anyio.to_thread.run_sync(wait_for, cancelled)
            return await client.call_tool("echo", {"text": "after"})

    assert anyio.run(scenario).structured_content == {"text": "after"}
    assert not (tmp_path / f"{tag}.finished").exists()


def test_bad_lines_and_huge_lines_are_handled_and_stdout_stays_protocol_only(
    raw: RawStdio,
) -> None:
    raw.handshake()
    raw.send(b"this is not json")
    parse_error = raw.receive()
    assert (parse_error["id"], parse_error["error"]["code"]) == (None, -32700)
    raw.send(b'{"jsonrpc": "2.0", "id": "x"}')  # JSON, not a message
    invalid = raw.receive()
    assert (invalid["id"], invalid["error"]["code"]) == ("x", -32600)
    huge = "a" * 3_000_000
    raw.send(_call(2, "echo", {"text": huge}))  # the handler prints to stdout too
    reply = raw.receive()
    assert reply["id"] == 2
    assert reply["result"]["structuredContent"] == {"text": huge}
    raw.send(_call(3, "echo", {"text": "still here"}))
    assert raw.receive()["result"]["structuredContent"] == {"text": "still here"}
    assert "echo handler got 3000000 characters" in raw.server.stderr()


def test_stdio_exits_zero_at_end_of_input(raw: RawStdio) -> None:
    raw.handshake()
    raw.stdin.close()
    assert raw.server.proc.wait(timeout=10) == 0
    assert "Traceback" not in raw.server.stderr()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_stdio_exits_zero_on_a_signal_when_idle(raw: RawStdio, sig: int) -> None:
    raw.handshake()
    assert raw.server.stop(sig, timeout=10) == 0
    assert "Traceback" not in raw.server.stderr()


def test_sigterm_during_a_stdio_call_lets_it_finish_then_exits_zero(
    raw: RawStdio,
) -> None:
    raw.handshake()
    raw.send(_call(2, "slow", {"steps": 10, "delay": 0.1}))
    assert raw.receive()["method"] == "notifications/progress"
    started = time.monotonic()
    raw.server.proc.send_signal(signal.SIGTERM)
    while "id" not in (message := raw.receive()):
        assert message["method"] == "notifications/progress"
    assert message["result"]["content"][0]["text"] == "done 10"
    assert raw.server.proc.wait(timeout=10) == 0
    assert time.monotonic() - started < 5
    assert "Traceback" not in raw.server.stderr()


def test_files_on_stdin_and_stdout_are_served_by_the_sdk_transport(
    pkg_root: Path, tmp_path: Path
) -> None:
    # Files cannot be polled: the SDK's threaded transport takes over.
    requests = tmp_path / "requests.jsonl"
    requests.write_text(json.dumps(INITIALIZE) + "\n")
    replies = tmp_path / "replies.jsonl"
    with requests.open("rb") as stdin, replies.open("wb") as stdout:
        args = ["stdio"]
        server = spawn(
            pkg_root, tmp_path, args, stdin=stdin.fileno(), stdout=stdout.fileno()
        )
        assert server.proc.wait(timeout=20) == 0
    (reply,) = replies.read_text().splitlines()
    assert json.loads(reply)["result"]["serverInfo"]["name"] == "fakepkg"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_stdio_on_a_terminal_answers_and_exits_zero_on_a_signal(
    pkg_root: Path, tmp_path: Path, sig: int
) -> None:
    # The SDK's threaded reader would block the exit on a terminal read.
    controller, terminal = pty.openpty()
    try:
        server = spawn(pkg_root, tmp_path, ["stdio"], stdin=terminal, stdout=terminal)
        os.write(controller, json.dumps(INITIALIZE).encode() + b"\n")
        seen, deadline = b"", time.monotonic() + 20
        while b'"id":1,"result"' not in seen and time.monotonic() < deadline:
            if select.select([controller], [], [], 0.2)[0]:
                seen += os.read(controller, 65536)
        assert b'"id":1,"result"' in seen
        assert server.stop(sig, timeout=10) == 0
    finally:
        os.close(controller)
        os.close(terminal)
    assert "Traceback" not in server.stderr()


MODERN_META = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
}


def test_a_handshake_connection_refuses_2026_envelopes_and_goes_on(
    raw: RawStdio,
) -> None:
    # The era is the first request's, for the whole connection (as Server.run).
    raw.handshake()
    enveloped = _call(2, "echo", {"text": "hi"})
    enveloped["params"]["_meta"] = MODERN_META
    raw.send(enveloped)
    refused = raw.receive()
    assert refused == {
        "jsonrpc": "2.0",
        "id": 2,
        "error": {
            "code": -32600,
            "message": "this connection serves the handshake protocol era; requests "
            "carrying the 2026-07-28 envelope are not accepted on it",
        },
    }
    raw.send(_call(3, "echo", {"text": "still here"}))
    assert raw.receive()["result"]["structuredContent"] == {"text": "still here"}


def test_a_connection_opened_with_a_2026_request_serves_that_era(
    raw: RawStdio,
) -> None:
    raw.send({"jsonrpc": "2.0", "method": "notifications/initialized"})  # kept ahead
    enveloped = _call(1, "echo", {"text": "modern"})
    enveloped["params"]["_meta"] = MODERN_META
    raw.send(enveloped)
    reply = raw.receive()
    assert reply["id"] == 1
    assert reply["result"]["structuredContent"] == {"text": "modern"}
    assert reply["result"]["resultType"] == "complete"
    raw.send(INITIALIZE)  # no handshake in that era
    assert raw.receive()["error"]["code"] == -32022
