"""Shared by the hardening tests: budgets, server processes, and light raw MCP clients.

The clients speak JSON-RPC by hand (httpx2 for HTTP and SSE, `websockets` for WebSocket,
pipes for stdio) so that a test can send what no well-behaved client would, and so that a
load test measures the server rather than the SDK client.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WEATHER = ROOT / "generated_examples" / "weather"
PYTHON = sys.executable
TOKEN = "hardening-token-7f3a"
PROTOCOL = "2025-11-25"
STARTUP_TIMEOUT = 30.0


def env_int(name: str, default: int) -> int:
    """An integer budget from the environment (the heavier runs raise them)."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def full_run() -> bool:
    """True when MCPMINT_LOAD_FULL=1 asks for the full-size load and cycle tests."""
    return os.environ.get("MCPMINT_LOAD_FULL", "") not in ("", "0")


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(state: Path, **extra: str) -> dict[str, str]:
    """The environment of a hostile_server child: both projects importable, a token set."""
    path = os.pathsep.join([str(WEATHER), str(HERE)])
    return {
        **os.environ,
        "PYTHONPATH": path,
        "WEATHER_TOKEN": TOKEN,
        "HARDENING_STATE_DIR": str(state),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def rss_mb(pid: int) -> float:
    """Resident set size of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def process_gone(pid: int) -> bool:
    """True once `pid` has exited (a zombie counts: it runs no more code)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_until(predicate: Any, timeout: float, step: float = 0.02) -> bool:
    """Poll `predicate` until it is true or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


@dataclass
class ServerProcess:
    """A `python -m hostile_server ...` child on a loopback port."""

    proc: subprocess.Popen[bytes]
    port: int
    state: Path
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def marker(self, name: str) -> Path:
        return self.state / name

    def wait_ready(self) -> None:
        """Poll /healthz until the server answers; fail if it died."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.stderr()}")
            try:
                if httpx2.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"server not ready:\n{self.stderr()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        """Signal the process and return its exit status (killed if it hangs)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"server ignored signal {sig}:\n{self.stderr()}") from None


def start_server(workdir: Path, args: Sequence[str], *, wait: bool = True) -> ServerProcess:
    """Start the hostile server with `args` (a transport and its options) on a free port."""
    state = workdir / "state"
    state.mkdir(parents=True, exist_ok=True)
    log = workdir / "stderr.log"
    port = free_port()
    argv = [PYTHON, "-m", "hostile_server", *args, "--port", str(port), "--log-level", "warning"]
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            argv, env=server_env(state), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
        )
    server = ServerProcess(proc, port, state, log)
    if wait:
        try:
            server.wait_ready()
        except BaseException:
            server.stop(signal.SIGKILL)
            raise
    return server


# ---------------------------------------------------------------------------------------
# JSON-RPC messages


def initialize(request_id: int | str = 0) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "initialize",
        "params": {
            "protocolVersion": PROTOCOL,
            "capabilities": {},
            "clientInfo": {"name": "hardening", "version": "1"},
        },
    }


INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def call(request_id: int | str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": tool, "arguments": arguments},
    }


def cancel(request_id: int | str) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "method": "notifications/cancelled",
        "params": {"requestId": request_id, "reason": "test"},
    }


def echo_text(message: dict[str, Any]) -> str:
    """The text of a successful get_conditions answer (fails on anything else)."""
    assert "result" in message, message
    result = message["result"]
    assert result.get("isError") is not True, result
    return str(result["content"][0]["text"])


def sse_messages(body: str) -> list[dict[str, Any]]:
    """The JSON-RPC messages in an event-stream body (or a plain JSON body)."""
    body = body.strip()
    if body.startswith("{"):
        return [json.loads(body)]
    out = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        data = [line[5:].strip() for line in block.splitlines() if line.startswith("data:")]
        if data and data[0]:
            out.append(json.loads("\n".join(data)))
    return out


# ---------------------------------------------------------------------------------------
# Streamable HTTP


@dataclass
class HttpSession:
    """A raw Streamable HTTP client: one session id (stateful) or none (stateless)."""

    client: httpx2.AsyncClient
    url: str
    session_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def _headers(self) -> dict[str, str]:
        out = {
            "Authorization": f"Bearer {TOKEN}",
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
            **self.headers,
        }
        if self.session_id:
            out["Mcp-Session-Id"] = self.session_id
        return out

    async def post(self, message: Any, *, raw: bytes | None = None) -> httpx2.Response:
        content = raw if raw is not None else json.dumps(message).encode()
        return await self.client.post(self.url, content=content, headers=self._headers())

    async def request(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return the response with its id (fails otherwise)."""
        response = await self.post(message)
        assert response.status_code == 200, (response.status_code, response.text[:500])
        answers = [m for m in sse_messages(response.text) if "id" in m]
        assert [m["id"] for m in answers] == [message["id"]], response.text[:500]
        return answers[0]

    async def handshake(self) -> dict[str, Any]:
        """initialize, keep the session id, then notifications/initialized."""
        response = await self.post(initialize())
        assert response.status_code == 200, (response.status_code, response.text[:500])
        self.session_id = response.headers.get("mcp-session-id")
        result = sse_messages(response.text)[0]
        notified = await self.post(INITIALIZED)
        assert notified.status_code == 202, (notified.status_code, notified.text[:300])
        return result

    async def close(self) -> None:
        """DELETE the session, as a well-behaved client does."""
        if self.session_id:
            await self.client.delete(self.url, headers=self._headers())


_TLS = ssl.create_default_context()  # made once: building one costs ~28 ms per client


def http_client(**kw: Any) -> httpx2.AsyncClient:
    """An HTTP client for loopback servers (a new one is a new connection)."""
    return httpx2.AsyncClient(timeout=httpx2.Timeout(30.0), verify=_TLS, **kw)


# ---------------------------------------------------------------------------------------
# WebSocket


@asynccontextmanager
async def websocket(url: str, *, max_size: int | None = 2**24, **kw: Any) -> AsyncIterator[Any]:
    """A raw `websockets` connection with subprotocol mcp and the bearer token."""
    from websockets.asyncio.client import connect

    async with connect(
        url,
        subprotocols=["mcp"],  # type: ignore[list-item]
        additional_headers={"Authorization": f"Bearer {TOKEN}"},
        max_size=max_size,
        open_timeout=10,
        close_timeout=2,
        **kw,
    ) as ws:
        yield ws


async def ws_receive(ws: Any, timeout: float = 10.0) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    return message


async def ws_request(ws: Any, message: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    """Send one request; return its answer (notifications in between are skipped)."""
    await ws.send(json.dumps(message))
    while True:
        answer = await ws_receive(ws, timeout)
        if "id" in answer:
            assert answer["id"] == message["id"], answer
            return answer


async def ws_handshake(ws: Any) -> None:
    answer = await ws_request(ws, initialize())
    assert "result" in answer, answer
    await ws.send(json.dumps(INITIALIZED))


# ---------------------------------------------------------------------------------------
# Legacy SSE


class SseSession:
    """GET /sse read by a background task; POSTs to the endpoint it announces."""

    def __init__(self, client: httpx2.AsyncClient, base: str) -> None:
        self.client = client
        self.base = base
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.endpoint = ""
        self._task: asyncio.Task[None] | None = None
        self._stream: Any = None

    async def __aenter__(self) -> SseSession:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        request = self.client.build_request("GET", self.base + "/sse", headers=headers)
        self._stream = await self.client.send(request, stream=True)
        assert self._stream.status_code == 200, self._stream.status_code
        ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._pump(ready))
        self.endpoint = self.base + await asyncio.wait_for(ready, 10)
        return self

    async def _pump(self, ready: asyncio.Future[str]) -> None:
        event: dict[str, str] = {}
        try:
            async for line in self._stream.aiter_lines():
                if line:
                    key, _, value = line.partition(":")
                    event[key] = value.strip()
                    continue
                if event.get("event") == "endpoint" and not ready.done():
                    ready.set_result(event["data"])
                elif event.get("event") == "message":
                    await self.queue.put(json.loads(event["data"]))
                event = {}
        except (httpx2.TransportError, asyncio.CancelledError):
            pass
        finally:
            await self.queue.put(None)

    async def __aexit__(self, *exc: object) -> None:
        await self.abort()

    async def abort(self) -> None:
        """Drop the event stream at once."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._stream is not None:
            await self._stream.aclose()

    async def post(self, message: Any, *, raw: bytes | None = None) -> httpx2.Response:
        content = raw if raw is not None else json.dumps(message).encode()
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        return await self.client.post(self.endpoint, content=content, headers=headers)

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:
        message = await asyncio.wait_for(self.queue.get(), timeout)
        assert message is not None, "the event stream ended"
        return message

    async def request(self, message: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        response = await self.post(message)
        assert response.status_code == 202, (response.status_code, response.text)
        while True:
            answer = await self.receive(timeout)
            if "id" in answer:
                assert answer["id"] == message["id"], answer
                return answer

    async def handshake(self) -> None:
        answer = await self.request(initialize())
        assert "result" in answer, answer
        response = await self.post(INITIALIZED)
        assert response.status_code == 202


# ---------------------------------------------------------------------------------------
# stdio


class StdioProcess:
    """`python -m hostile_server stdio` on pipes, read line by line."""

    def __init__(self, workdir: Path, grace_period: float = 3.0) -> None:
        self.grace_period = grace_period
        self.state = workdir / "state"
        self.state.mkdir(parents=True, exist_ok=True)
        self.log = workdir / "stdio-stderr.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> StdioProcess:
        with self.log.open("wb") as stderr:
            self.proc = await asyncio.create_subprocess_exec(
                PYTHON, "-m", "hostile_server", "stdio", "--log-level", "warning",
                "--grace-period", str(self.grace_period),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
                env=server_env(self.state),
                limit=1 << 24,
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    async def send_line(self, data: bytes) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(data + b"\n")
        await self.proc.stdin.drain()

    async def send(self, message: Any) -> None:
        await self.send_line(json.dumps(message).encode())

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        assert line, f"stdout closed:\n{self.log.read_text(errors='replace')[-3000:]}"
        message: dict[str, Any] = json.loads(line)
        return message

    async def request(self, message: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        await self.send(message)
        while True:
            answer = await self.receive(timeout)
            if "id" in answer:
                assert answer["id"] == message["id"], answer
                return answer

    async def handshake(self) -> None:
        answer = await self.request(initialize())
        assert "result" in answer, answer
        await self.send(INITIALIZED)

    async def close_input(self) -> int:
        """Close stdin (the client went away) and return the exit status."""
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.close()
        return await asyncio.wait_for(self.proc.wait(), 15)
