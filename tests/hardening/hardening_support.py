"""Shared by the hardening tests: budgets, server processes, JSON-RPC messages."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from listening import ready, wait_ready

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WEATHER = ROOT / "generated_examples" / "weather"
PYTHON = sys.executable
TOKEN = "hardening-token-7f3a"
PROTOCOL = "2025-11-25"
STARTUP_TIMEOUT = 30.0
LIMIT = 65_536  # body and frame cap of the shared network server (conftest.py)


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
        wait_ready(self.proc, self.port, self.stderr, STARTUP_TIMEOUT)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        """Signal the process and return its exit status (killed if it hangs)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(
                f"server ignored signal {sig}:\n{self.stderr()}"
            ) from None


def start_server(
    workdir: Path, args: Sequence[str], *, wait: bool = True
) -> ServerProcess:
    """Start the hostile server with `args` (a transport and its options) on a free port."""
    started = [_spawn(workdir, args)]
    if not wait:
        return started[0]

    def again() -> ServerProcess:
        started.append(_spawn(workdir, args))
        return started[-1]

    try:
        return ready(started[0], again)
    except BaseException:
        for server in started:
            server.stop(signal.SIGKILL)
        raise


def _spawn(workdir: Path, args: Sequence[str]) -> ServerProcess:
    state = workdir / "state"
    state.mkdir(parents=True, exist_ok=True)
    log = workdir / "stderr.log"
    port = free_port()
    argv = [
        PYTHON,
        "-m",
        "hostile_server",
        *args,
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            argv,
            env=server_env(state),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    return ServerProcess(proc, port, state, log)


# --------------------------------------------------------------------------------------
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
        data = [
            line[5:].strip() for line in block.splitlines() if line.startswith("data:")
        ]
        if data and data[0]:
            out.append(json.loads("\n".join(data)))
    return out
