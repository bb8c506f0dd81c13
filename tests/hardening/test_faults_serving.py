"""Faults while serving: SIGTERM with calls in flight, the stdio parent dying, handlers
that raise or hang (cancelled by the client), on every transport.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from hardening_support import (
    TOKEN,
    ServerProcess,
    call,
    cancel,
    echo_text,
    process_gone,
    server_env,
    sse_messages,
    start_server,
    wait_until,
)
from raw_clients import (
    HttpSession,
    SseSession,
    StdioProcess,
    http_client,
    websocket,
    ws_handshake,
    ws_receive,
    ws_request,
)

SLEEP = 1.5
IN_FLIGHT = 4
TRANSPORTS = ["http", "sse", "websocket", "stdio"]


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


class Conversation:
    """One connection of any transport: send, receive, request."""

    def __init__(self, send: Any, receive: Any, request: Any) -> None:
        self.send, self.receive, self.request = send, receive, request


@asynccontextmanager
async def conversation(
    transport: str, server: ServerProcess | None, workdir: Path
) -> AsyncIterator[Conversation]:
    """An initialised connection; HTTP sends each message as its own POST."""
    if transport == "stdio":
        async with StdioProcess(workdir) as stdio:
            await stdio.handshake()
            yield Conversation(stdio.send, stdio.receive, stdio.request)
    elif transport == "websocket":
        assert server is not None
        async with websocket(server.ws_url) as ws:
            await ws_handshake(ws)

            async def send(message: Any) -> None:
                await ws.send(json.dumps(message))

            yield Conversation(
                send,
                lambda timeout=10.0: ws_receive(ws, timeout),
                lambda m: ws_request(ws, m),
            )
    elif transport == "sse":
        assert server is not None
        async with http_client() as client, SseSession(client, server.base) as sse:
            await sse.handshake()
            yield Conversation(sse.post, sse.receive, sse.request)
    else:
        assert server is not None
        async with http_client() as client:
            session = HttpSession(client, server.base + "/mcp")
            await session.handshake()
            answers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            posts: list[asyncio.Task[None]] = []

            async def post(message: Any) -> None:
                async def one() -> None:
                    response = await session.post(message)
                    for answer in (
                        sse_messages(response.text) if response.text.strip() else []
                    ):
                        await answers.put(answer)

                posts.append(asyncio.create_task(one()))
                await asyncio.sleep(0)

            async def receive(timeout: float = 10.0) -> dict[str, Any]:
                return await asyncio.wait_for(answers.get(), timeout)

            yield Conversation(post, receive, session.request)
            for task in posts:
                task.cancel()
            await asyncio.gather(*posts, return_exceptions=True)
            await session.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    running = start_server(tmp_path_factory.mktemp("faults"), ["serve"])
    try:
        yield running
    finally:
        status = running.stop()
    assert status == 0, running.stderr()


def state_of(transport: str, server: ServerProcess, workdir: Path) -> Path:
    return workdir / "state" if transport == "stdio" else server.state


# --------------------------------------------------------------------------------------
# SIGTERM with calls in flight


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_sigterm_lets_calls_in_flight_finish_then_exits_0(
    tmp_path: Path, transport: str
) -> None:
    timings: dict[str, float] = {}
    if transport == "stdio":
        run(_stdio_sigterm(tmp_path, timings))
    else:
        server = start_server(tmp_path, [transport, "--grace-period", "20"])
        try:
            run(_network_sigterm(transport, server, tmp_path, timings))
            status = server.proc.wait(timeout=25)
            timings["exited"] = time.monotonic() - timings["signalled"]
            assert status == 0, server.stderr()
        finally:
            if server.proc.poll() is None:
                server.stop(signal.SIGKILL)
    print(
        f"{transport}: {IN_FLIGHT} calls answered {timings['answered']:.1f} s after SIGTERM, exit after {timings['exited']:.1f} s"
    )
    assert timings["exited"] < SLEEP + 5, (
        "the drain waited for something that was no call in flight"
    )


async def _network_sigterm(
    transport: str, server: ServerProcess, tmp_path: Path, timings: dict[str, float]
) -> None:
    async with conversation(transport, server, tmp_path) as talk:
        for n in range(IN_FLIGHT):
            await talk.send(call(n, "get_forecast", {"city": f"sleep:{SLEEP}"}))
        assert await asyncio.to_thread(wait_until, server.marker("started").exists, 10)
        await asyncio.sleep(0.2)
        timings["signalled"] = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        answers = [await talk.receive(10.0) for _ in range(IN_FLIGHT)]
        timings["answered"] = time.monotonic() - timings["signalled"]
        assert sorted(a["id"] for a in answers) == list(range(IN_FLIGHT))
        assert all(
            a["result"]["structuredContent"]["city"] == f"sleep:{SLEEP}"
            for a in answers
        ), answers


async def _stdio_sigterm(tmp_path: Path, timings: dict[str, float]) -> None:
    async with StdioProcess(tmp_path) as stdio:
        await stdio.handshake()
        for n in range(IN_FLIGHT):
            await stdio.send(call(n, "get_forecast", {"city": f"sleep:{SLEEP}"}))
        assert await asyncio.to_thread(wait_until, (stdio.state / "started").exists, 10)
        await asyncio.sleep(0.2)
        assert stdio.proc is not None
        signalled = time.monotonic()
        stdio.proc.send_signal(signal.SIGTERM)
        answers = [await stdio.receive(10.0) for _ in range(IN_FLIGHT)]
        timings["answered"] = time.monotonic() - signalled
        assert sorted(a["id"] for a in answers) == list(range(IN_FLIGHT))
        assert await asyncio.wait_for(stdio.proc.wait(), 25) == 0
        timings["exited"] = time.monotonic() - signalled


# --------------------------------------------------------------------------------------
# The stdio parent dies


PARENT = textwrap.dedent("""
    import json, subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-m", "hostile_server", "stdio"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=open(sys.argv[1], "wb"))
    print(child.pid, flush=True)
    def send(message):
        child.stdin.write(json.dumps(message).encode() + b"\\n")
        child.stdin.flush()
    send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "parent", "version": "1"}}})
    child.stdout.readline()
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    send({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
          "params": {"name": "get_forecast", "arguments": {"city": "hang:parent"}}})
    time.sleep(600)
    """)


GRACE = 2.0


def test_the_stdio_server_exits_when_its_parent_dies(tmp_path: Path) -> None:
    # The host (here a Python parent) holds both pipes; killed with SIGKILL, the kernel
    # closes them: the server reads end of input, waits up to its grace period for the
    # call in flight (it hangs), cancels it and exits.
    state = tmp_path / "state"
    state.mkdir()
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path / "child-stderr.log")],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=server_env(state, MCP_GRACE_PERIOD=str(GRACE)),
    )
    child = 0
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert wait_until((state / "hanging-parent").exists, 15), (
            tmp_path / "child-stderr.log"
        ).read_text()
        parent.kill()
        parent.wait(timeout=10)
        killed = time.monotonic()
        exited = wait_until(lambda: process_gone(child), GRACE + 8)
        assert exited, f"orphan server {child} still running after its parent died"
        print(
            f"stdio server exited {time.monotonic() - killed:.1f} s after its parent died (grace period {GRACE} s)"
        )
        assert (state / "cancelled-parent").exists()
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
        if child and not process_gone(child):
            subprocess.run(["kill", "-KILL", str(child)], check=False)


# --------------------------------------------------------------------------------------
# Handlers that raise or hang


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_handler_that_raises_is_a_tool_error_and_the_server_keeps_serving(
    server: ServerProcess, tmp_path: Path, transport: str
) -> None:
    async def main() -> None:
        async with conversation(transport, server, tmp_path) as talk:
            answer = await talk.request(call(1, "get_forecast", {"city": "boom"}))
            result = answer["result"]
            assert result["isError"] is True
            text = result["content"][0]["text"]
            if transport == "stdio":  # the client is the user's own: the message
                assert text == "Tool 'get_forecast' failed: boom from the handler"
            else:  # a remote client gets no internals, only an id for the log
                assert re.fullmatch(
                    r"Tool 'get_forecast' failed: internal error \(id [0-9a-f]{8}\)",
                    text,
                ), text
                assert "boom" not in json.dumps(answer)
            assert "Traceback" not in json.dumps(answer)
            assert (
                echo_text(
                    await talk.request(call(2, "get_conditions", {"city": "next"}))
                )
                == "echo:next"
            )

    run(main())


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_hanging_handler_is_cancelled_by_the_client_and_the_server_keeps_serving(
    server: ServerProcess, tmp_path: Path, transport: str
) -> None:
    state = state_of(transport, server, tmp_path)
    tag = f"cancel-{transport}"

    async def main() -> None:
        async with conversation(transport, server, tmp_path) as talk:
            await talk.send(call(41, "get_forecast", {"city": f"hang:{tag}"}))
            assert await asyncio.to_thread(
                wait_until, (state / f"hanging-{tag}").exists, 10
            )
            await talk.send(cancel(41))
            assert await asyncio.to_thread(
                wait_until, (state / f"cancelled-{tag}").exists, 10
            )
            assert (
                echo_text(
                    await talk.request(call(42, "get_conditions", {"city": "next"}))
                )
                == "echo:next"
            )

    run(main())


def test_the_sdk_client_cancels_a_hanging_call_by_timing_out(
    server: ServerProcess,
) -> None:
    # What a host does: give up on the call (a cancel scope); the SDK sends the cancel.
    from mcp import Client
    from mcpmint_runtime.transports.websocket import websocket_client

    async def main() -> None:
        async with Client(
            websocket_client(server.ws_url, token=TOKEN), mode="legacy"
        ) as client:
            with anyio.move_on_after(1.0) as scope:
                await client.call_tool("get_forecast", {"city": "hang:sdk"})
            assert scope.cancelled_caught
            assert await anyio.to_thread.run_sync(
                wait_until, server.marker("cancelled-sdk").exists, 10
            )
            result = await client.call_tool("get_conditions", {"city": "after"})
            assert result.content[0].text == "echo:after"  # type: ignore[union-attr]

    anyio.run(main)
