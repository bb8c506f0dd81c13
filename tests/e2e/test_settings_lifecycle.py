"""Settings, state and the lifespan hook of a generated server, in real processes.

A small spec with a required path, an integer with a default and a secret; its
handler returns what it sees of `ctx.settings` and `ctx.state`, and its lifespan
writes `open`/`close` lines to the file the required setting names.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from listening import wait_ready
from mcpmint import generate

PACKAGE = "notes_server"
SECRET = "s3cr3t-91c4e"  # distinctive: a leak into any output is easy to spot

SPEC = """\
mcpmint: 1
server: {name: notes, version: 1.0.0, package: notes_server}
transports: [stdio, http]
settings:
  - name: NOTES_LOG
    type: path
    required: true
    description: Where the lifespan writes open and close
  - {name: NOTES_LIMIT, type: integer, default: 3}
  - {name: NOTES_KEY, secret: true, type: integer}
tools:
  - name: info
    description: What the handler sees of its settings and state.
    inputSchema: {type: object}
    outputSchema:
      type: object
      properties:
        limit: {type: integer}
        key_set: {type: boolean}
        opened_by: {type: integer}
        calls: {type: integer}
      required: [limit, key_set, opened_by, calls]
"""

HANDLER = """\
from __future__ import annotations

from ..context import Context
from ..models import InfoInput, InfoOutput


async def info(args: InfoInput, ctx: Context) -> InfoOutput:
    ctx.state.calls += 1
    return InfoOutput(
        limit=ctx.settings.notes_limit,
        key_set=ctx.settings.notes_key is not None,
        opened_by=ctx.state.pid,
        calls=ctx.state.calls,
    )
"""

LIFESPAN = """\
from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from .settings import Settings


@dataclass
class State:
    pid: int
    calls: int = 0


@asynccontextmanager
async def lifespan(settings: Settings) -> AsyncIterator[State]:
    with settings.notes_log.open("a") as log:
        log.write("open\\n")
    try:
        yield State(pid=os.getpid())
    finally:
        with settings.notes_log.open("a") as log:
            log.write("close\\n")
"""

# A deliberate type error: mypy must see `notes_limit` as an int.
TYPED = """\
from __future__ import annotations

from .context import Context


def wrong(ctx: Context) -> str:
    return ctx.settings.notes_limit
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("notes")
    (root / "spec.yaml").write_text(SPEC, encoding="utf-8")
    generate(root / "spec.yaml", root / "out")
    package = root / "out" / PACKAGE
    (package / "handlers" / "info.py").write_text(HANDLER, encoding="utf-8")
    (package / "lifespan.py").write_text(LIFESPAN, encoding="utf-8")
    return root / "out"


def environ(project: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTES_")}
    return {**env, "PYTHONPATH": str(project), **settings}


def server(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", PACKAGE, *args],
        cwd="/",
        env=environ(project, **env),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def log_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@pytest.mark.parametrize(
    "command", [["stdio"], ["http", "--port", "0"], ["call", "info"]]
)
def test_a_missing_required_setting_is_one_line_and_exit_2(
    project: Path, command: list[str]
) -> None:
    done = server(project, *command)
    assert done.returncode == 2
    assert done.stderr == (
        "notes_server: error: missing required setting NOTES_LOG: set the environment "
        "variable NOTES_LOG (Where the lifespan writes open and close)\n"
    )


def test_a_bad_value_names_the_setting_and_hides_a_secret(
    project: Path, tmp_path: Path
) -> None:
    log = str(tmp_path / "log")
    bad = server(project, "stdio", NOTES_LOG=log, NOTES_LIMIT="many")
    assert bad.returncode == 2
    assert bad.stderr == (
        "notes_server: error: bad value for setting NOTES_LIMIT: "
        "expected an integer, got 'many'\n"
    )
    secret = server(project, "stdio", NOTES_LOG=log, NOTES_KEY=SECRET)
    assert secret.returncode == 2
    assert secret.stderr == (
        "notes_server: error: bad value for setting NOTES_KEY: "
        "expected an integer, (value hidden: secret)\n"
    )
    assert SECRET not in secret.stdout + secret.stderr
    assert log_lines(tmp_path / "log") == []  # nothing opened before the check


def test_stdio_opens_once_for_many_calls_and_closes_at_end_of_input(
    project: Path, tmp_path: Path
) -> None:
    sys.path.insert(0, str(project))
    try:
        from notes_server.client import NotesClient
    finally:
        sys.path.remove(str(project))
    log = tmp_path / "log"
    command = f"{sys.executable} -m {PACKAGE} stdio"
    env = {
        "NOTES_LOG": str(log),
        "NOTES_LIMIT": "7",
        "NOTES_KEY": "42",
        "PYTHONPATH": str(project),
    }

    async def calls() -> list[Any]:
        # Only `env=` carries the settings: the test process has none of them.
        async with NotesClient.connect(command, env=env) as client:
            return [await client.info() for _ in range(3)]

    results = anyio.run(calls)
    assert [r.calls for r in results] == [1, 2, 3]
    assert {(r.limit, r.key_set) for r in results} == {(7, True)}
    assert log_lines(log) == ["open", "close"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_http_opens_once_for_many_sessions_and_closes_on_sigterm(
    project: Path, tmp_path: Path
) -> None:
    log, stderr = tmp_path / "log", tmp_path / "stderr"
    port = free_port()
    env = environ(project, NOTES_LOG=str(log), NOTES_KEY="42")
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", PACKAGE, "http", "--port", str(port)],
            cwd="/",
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_ready(proc, port, lambda: stderr.read_text(errors="replace"), 30)
        assert log_lines(log) == ["open"]  # at start-up, before any session

        async def session() -> list[int]:
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                answers = [await client.call_tool("info", {}) for _ in range(2)]
            return [a.structured_content["calls"] for a in answers]

        seen = [anyio.run(session) for _ in range(3)]
        assert seen == [[1, 2], [3, 4], [5, 6]]  # one state for every session
        assert log_lines(log) == ["open"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert log_lines(log) == ["open", "close"]
    assert "Traceback" not in stderr.read_text()


@pytest.mark.parametrize(
    ("host", "key"),
    [("claude-desktop", "mcpServers"), ("cursor", "mcpServers"), ("vscode", "servers")],
)
def test_config_prints_an_entry_that_starts_the_server_from_root(
    project: Path, tmp_path: Path, host: str, key: str
) -> None:
    log = tmp_path / "log"
    done = server(project, "config", host, NOTES_LOG=str(log), NOTES_KEY=SECRET)
    assert done.returncode == 0, done.stderr
    config = json.loads(done.stdout)
    entry = config[key]["notes"]
    assert entry["command"] == sys.executable
    assert entry["args"] == ["-m", PACKAGE, "stdio"]
    assert entry["env"] == {
        "NOTES_LOG": str(log),
        "NOTES_LIMIT": "3",
        "NOTES_KEY": "<NOTES_KEY>",
    }
    assert (host == "vscode") == (entry.get("type") == "stdio")
    assert SECRET not in done.stdout + done.stderr
    assert "Replace the placeholders: NOTES_KEY" in done.stderr
    # Started exactly as the host would: from /, with only the entry's env (plus
    # PYTHONPATH, as the project is not installed here) and the placeholder filled.
    env = {**entry["env"], "NOTES_KEY": "5", "PYTHONPATH": str(project)}
    started = subprocess.run(
        [entry["command"], *entry["args"], "--help"],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr

    async def call() -> Any:
        from mcp.client.stdio import StdioServerParameters

        params = StdioServerParameters(
            command=entry["command"], args=entry["args"], env=env, cwd="/"
        )
        async with Client(params) as client:
            return await client.call_tool("info", {})

    result = anyio.run(call)
    assert result.structured_content["limit"] == 3
    assert result.structured_content["key_set"] is True


def test_config_refuses_an_unknown_host(project: Path) -> None:
    done = server(project, "config", "emacs")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"usage: python -m {PACKAGE} config {{claude-desktop,cursor,vscode}}",
        f"{PACKAGE}: error: unknown host 'emacs'",
    ]


def test_settings_and_state_are_typed_for_handlers(project: Path) -> None:
    (project / PACKAGE / "typed_check.py").write_text(TYPED, encoding="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", PACKAGE],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        (project / PACKAGE / "typed_check.py").unlink()
    assert done.stdout.count("error:") == 1, done.stdout
    assert (
        'typed_check.py:7: error: Incompatible return value type (got "int", '
        'expected "str")' in done.stdout
    )


def test_in_process_sessions_share_one_state_and_given_settings(
    project: Path, tmp_path: Path
) -> None:
    sys.path.insert(0, str(project))
    try:
        from notes_server.server import build_server
        from notes_server.settings import Settings
    finally:
        sys.path.remove(str(project))
    log = tmp_path / "log"
    settings = Settings(notes_log=log, notes_limit=9, notes_key=1234567)
    assert "notes_key" not in repr(settings) and "1234567" not in repr(settings)
    server = build_server(settings=settings)

    async def two_sessions() -> list[Any]:
        async with Client(server) as first, Client(server) as second:
            one = await first.call_tool("info", {})
            two = await second.call_tool("info", {})
            return [one.structured_content, two.structured_content]

    one, two = anyio.run(two_sessions)
    assert (one["calls"], two["calls"], one["limit"]) == (1, 2, 9)
    assert log_lines(log) == ["open", "close"]
