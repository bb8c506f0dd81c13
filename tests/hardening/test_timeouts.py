"""Per-tool timeouts: a hanging handler answers a tool error on every transport, its
`finally` runs, and the server goes on serving; calls that finish in time are untouched.

The limit comes from the command line (`--tool-timeout`, network transports) or the
environment (`MCP_TOOL_TIMEOUT`, stdio); the spec's `timeout:` and `server.toolTimeout`
are covered in process, on a project generated for the test.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from hardening_support import (
    PYTHON,
    ServerProcess,
    call,
    echo_text,
    server_env,
    start_server,
    wait_until,
)
from test_faults_serving import conversation, run, state_of

LIMIT = 0.5
TRANSPORTS = ["http", "sse", "websocket", "stdio"]
TIMED_OUT = f"Tool 'get_forecast' timed out after {LIMIT:g} s"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    running = start_server(
        tmp_path_factory.mktemp("timeouts"), ["serve", "--tool-timeout", str(LIMIT)]
    )
    try:
        yield running
    finally:
        status = running.stop()
    assert status == 0, running.stderr()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_hanging_handler_answers_a_timeout_error_and_the_server_keeps_serving(
    server: ServerProcess,
    tmp_path: Path,
    transport: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MCP_TOOL_TIMEOUT", str(LIMIT))  # how the stdio child gets it
    state = state_of(transport, server, tmp_path)
    tag = f"timeout-{transport}"

    async def main() -> None:
        async with conversation(transport, server, tmp_path) as talk:
            started = time.monotonic()
            answer = await talk.request(
                call(7, "get_forecast", {"city": f"hang:{tag}"})
            )
            waited = time.monotonic() - started
            assert answer["id"] == 7
            result = answer["result"]
            assert result["isError"] is True, result
            assert result["content"] == [{"type": "text", "text": TIMED_OUT}]
            assert LIMIT <= waited < LIMIT + 8, waited
            # The handler was cancelled, not abandoned: its finally block ran.
            assert (state / f"hanging-{tag}").exists()
            assert await asyncio.to_thread(
                wait_until, (state / f"cancelled-{tag}").exists, 5
            )
            # A call that finishes in time is not touched by the limit.
            quick = await talk.request(call(8, "get_forecast", {"city": "sleep:0.05"}))
            assert quick["result"].get("isError") is not True, quick
            assert quick["result"]["structuredContent"]["city"] == "sleep:0.05"
            echoed = await talk.request(call(9, "get_conditions", {"city": "after"}))
            assert echo_text(echoed) == "echo:after"

    run(main())


def test_concurrent_hanging_calls_each_time_out_alone(
    server: ServerProcess, tmp_path: Path
) -> None:
    # Four hanging calls and four quick ones on one WebSocket: the quick ones are answered
    # at once, each hanging one by its own timeout error.
    async def main() -> None:
        async with conversation("websocket", server, tmp_path) as talk:
            for n in range(4):
                await talk.send(
                    call(100 + n, "get_forecast", {"city": f"hang:many-{n}"})
                )
                await talk.send(call(200 + n, "get_conditions", {"city": f"q{n}"}))
            answers: dict[Any, dict[str, Any]] = {}
            while len(answers) < 8:
                message = await talk.receive(10.0)
                answers[message["id"]] = message
            for n in range(4):
                assert answers[100 + n]["result"]["content"][0]["text"] == TIMED_OUT
                assert echo_text(answers[200 + n]) == f"echo:q{n}"

    run(main())


def test_a_client_cancel_before_the_timeout_still_wins(
    server: ServerProcess, tmp_path: Path
) -> None:
    # The client gives up first: no answer at all (MCP), the handler is cancelled once.
    from hardening_support import cancel

    async def main() -> None:
        async with conversation("websocket", server, tmp_path) as talk:
            await talk.send(call(31, "get_forecast", {"city": "hang:first-cancel"}))
            assert await asyncio.to_thread(
                wait_until, server.marker("hanging-first-cancel").exists, 5
            )
            await talk.send(cancel(31))
            echoed = await talk.request(call(32, "get_conditions", {"city": "x"}))
            assert echoed["id"] == 32 and echo_text(echoed) == "echo:x"
            await asyncio.sleep(LIMIT + 0.3)  # past the limit: no late timeout answer
            late = await talk.request(call(33, "get_conditions", {"city": "y"}))
            assert late["id"] == 33, late
            assert server.marker("cancelled-first-cancel").exists()

    run(main())


@pytest.mark.parametrize(
    ("value", "where"),
    [("abc", "argument"), ("-1", "argument"), ("inf", "argument"), ("nan", "env")],
)
def test_a_bad_timeout_is_refused_before_serving(
    tmp_path: Path, value: str, where: str
) -> None:
    args = ["stdio"] + (["--tool-timeout", value] if where == "argument" else [])
    extra = {"MCP_TOOL_TIMEOUT": value} if where == "env" else {}
    done = subprocess.run(
        [PYTHON, "-m", "hostile_server", *args],
        env=server_env(tmp_path, **extra),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    named = "--tool-timeout" if where == "argument" else "MCP_TOOL_TIMEOUT"
    assert f"{named}: not a number of seconds (0 or more)" in done.stderr
    assert repr(value) in done.stderr
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------------------
# The spec's timeouts, on a project generated for the test


SPEC = """\
mcpmint: 1
server: {name: timed, version: 1.0.0, toolTimeout: 0.4}
tools:
  - name: own_limit
    timeout: 0.2
    inputSchema: {type: object, properties: {seconds: {type: number}}}
  - name: server_limit
    inputSchema: {type: object, properties: {seconds: {type: number}}}
"""

HANDLER = """\
import anyio

from mcpmint_runtime import ToolContext

from ..models import {model}


async def {name}(args: {model}, ctx: ToolContext) -> str:
    left = ctx.time_left()
    await anyio.sleep(args.seconds or 0)
    return "slept; no limit" if left is None else f"slept; had {{left:.1f}} s"
"""

PROBE = """\
import anyio, json, sys, time
from mcp import Client
from timed_server.server import build_server

async def main():
    options = json.loads(sys.argv[1])
    out = []
    async with Client(build_server(**options)) as client:
        for tool, seconds in json.loads(sys.argv[2]):
            start = time.monotonic()
            result = await client.call_tool(tool, {"seconds": seconds})
            out.append([result.is_error, result.content[0].text, time.monotonic() - start])
    print(json.dumps(out))

anyio.run(main)
"""


@pytest.fixture(scope="module")
def timed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("timed")
    (root / "timed.yaml").write_text(SPEC, encoding="utf-8")
    out = root / "project"
    generate = [
        PYTHON,
        "-m",
        "mcpmint",
        "generate",
        str(root / "timed.yaml"),
        "-o",
        str(out),
    ]
    subprocess.run(generate, check=True, capture_output=True, timeout=300)
    for name, model in (
        ("own_limit", "OwnLimitInput"),
        ("server_limit", "ServerLimitInput"),
    ):
        path = out / "timed_server" / "handlers" / f"{name}.py"
        path.write_text(HANDLER.format(name=name, model=model), encoding="utf-8")
    return out


def probe(project: Path, options: dict[str, Any], calls: list[Any]) -> list[Any]:
    import json

    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(options), json.dumps(calls)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def test_the_spec_timeouts_apply_per_tool(timed_project: Path) -> None:
    server_py = (timed_project / "timed_server" / "server.py").read_text(
        encoding="utf-8"
    )
    assert "TOOL_TIMEOUT: float | None = 0.4" in server_py
    assert "timeout=0.2," in server_py
    (own_slow, own_quick, server_slow, server_quick) = probe(
        timed_project,
        {},
        [
            ["own_limit", 0.3],
            ["own_limit", 0],
            ["server_limit", 0.6],
            ["server_limit", 0.3],
        ],
    )
    assert own_slow[:2] == [True, "Tool 'own_limit' timed out after 0.2 s"]
    assert own_quick[:2] == [False, "slept; had 0.2 s"]
    assert server_slow[:2] == [True, "Tool 'server_limit' timed out after 0.4 s"]
    assert server_quick[:2] == [False, "slept; had 0.4 s"]
    assert own_slow[2] < 0.3 + 2 and server_slow[2] < 0.6 + 2


def test_the_run_time_default_overrides_the_server_limit_only(
    timed_project: Path,
) -> None:
    # build_server(tool_timeout=...) is what --tool-timeout calls: a tool's own limit stays.
    (own_slow, server_slow) = probe(
        timed_project,
        {"tool_timeout": None},
        [["own_limit", 0.3], ["server_limit", 0.6]],
    )
    assert own_slow[:2] == [True, "Tool 'own_limit' timed out after 0.2 s"]
    assert server_slow[:2] == [False, "slept; no limit"]


def test_time_left_counts_down() -> None:
    # Without a limit a handler is told None; with one, a number that shrinks.
    from mcpmint_runtime import ToolContext

    async def main() -> None:
        unlimited = ToolContext(None, "t")  # type: ignore[arg-type]
        assert unlimited.time_left() is None
        limited = ToolContext(None, "t", anyio.current_time() + 0.3)  # type: ignore[arg-type]
        first = limited.time_left()
        await anyio.sleep(0.05)
        second = limited.time_left()
        assert first is not None and second is not None
        assert 0 < second < first <= 0.3
        await anyio.sleep(0.3)
        assert limited.time_left() == 0.0

    anyio.run(main)
