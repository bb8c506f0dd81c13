"""Real server processes on loopback ports, and clients for each transport."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

from listening import wait_ready

HERE = Path(__file__).resolve().parent
TOKEN = "tok-5b1e9c0d7a"  # distinctive, so a leak into the logs is easy to spot
TOKEN_ENV = "FAKEPKG_TEST_TOKEN"
STARTUP_TIMEOUT = 20.0


def build_package(root: Path) -> Path:
    """Write fakepkg (a test server on mcpmint_runtime's transports) under `root`."""
    shutil.copytree(
        HERE / "fakepkg_src",
        root / "fakepkg",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return root


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def auth(token: str | None = TOKEN) -> dict[str, str]:
    """The Authorization header for `token` (none for None)."""
    return {} if token is None else {"Authorization": f"Bearer {token}"}


@dataclass
class ServerProcess:
    """A `python -m fakepkg ...` child process and where to reach it."""

    proc: subprocess.Popen[bytes]
    port: int
    state_dir: Path
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self) -> None:
        """Poll /healthz until the server answers; fail if it died."""
        wait_ready(self.proc, self.port, self.stderr, STARTUP_TIMEOUT)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Signal the process and return its exit status (kill it if it hangs)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout: float = 15.0) -> int:
        """The exit status, once the process has ended (killed if it hangs)."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def marker(self, name: str) -> Path:
        return self.state_dir / name


def spawn(
    root: Path,
    workdir: Path,
    args: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    port: int | None = None,
    stdin: int | None = subprocess.DEVNULL,
    stdout: int | None = subprocess.DEVNULL,
) -> ServerProcess:
    """Start `python -m fakepkg ARGS` (a network one gets --port unless in env)."""
    state = workdir / "state"
    state.mkdir(parents=True, exist_ok=True)
    log = workdir / "stderr.log"
    port = port or free_port()
    argv = [sys.executable, "-m", "fakepkg", *args]
    if args and args[0] != "stdio" and "MCP_PORT" not in (env or {}):
        argv += ["--port", str(port)]
    full_env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "FAKEPKG_STATE_DIR": str(state),
        TOKEN_ENV: TOKEN,
        **(env or {}),
    }
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            argv, env=full_env, stdin=stdin, stdout=stdout, stderr=stderr
        )
    return ServerProcess(proc, port, state, log)


def wait_for(path: Path, timeout: float = 10.0) -> bool:
    """True once `path` exists (a handler's marker file)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.02)
    return False


def http_client(token: str | None = TOKEN) -> httpx2.AsyncClient:
    """An HTTP client with the MCP-friendly timeouts and the bearer header."""
    timeout = httpx2.Timeout(30.0, read=300.0)
    return httpx2.AsyncClient(headers=auth(token), timeout=timeout)


@asynccontextmanager
async def connect(
    kind: str, server: ServerProcess, mode: str = "legacy", **kw: Any
) -> AsyncIterator[Client]:
    """An `mcp.Client` over `kind` (http, sse or websocket) to `server`."""
    if kind == "http":
        async with http_client() as hc:
            target = streamable_http_client(server.base + "/mcp", http_client=hc)
            async with Client(target, mode=mode, **kw) as client:
                yield client
    elif kind == "sse":
        target = sse_client(server.base + "/sse", headers=auth())
        async with Client(target, mode=mode, **kw) as client:
            yield client
    else:
        from mcpmint_runtime.transports.websocket import websocket_client

        async with Client(
            websocket_client(server.ws_url, token=TOKEN), mode=mode, **kw
        ) as client:
            yield client


def kernel_and_sdk_servers(
    modes: Sequence[str], launch: Callable[[str, bool], ServerProcess]
) -> Iterator[dict[str, tuple[ServerProcess, ServerProcess]]]:
    """Per mode, a server on the runtime's kernel and one on the SDK's transport
    (`launch(mode, sdk)`), all started before any is waited for; stopped after."""
    from listening import ready

    running: dict[tuple[str, bool], ServerProcess] = {}
    try:
        for mode in modes:
            for sdk in (False, True):
                running[mode, sdk] = launch(mode, sdk)
        for key, server in running.items():
            running[key] = ready(server, lambda key=key: launch(*key))
        yield {mode: (running[mode, False], running[mode, True]) for mode in modes}
    finally:
        for server in running.values():
            server.proc.terminate()
        for server in running.values():
            server.wait()
