"""Errors users expect: ToolFailure, hidden internal errors on the network, the typed
client's one-line connection errors, `python -m <pkg> call`'s usage errors.

`errpkg` (tests/e2e/errors_pkg) is a server on `mcpmint_runtime.build_server` run the
way a generated package runs: real subprocesses on stdio and on loopback HTTP.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcpmint_runtime import AuthError, TimedOut, ToolFailure, Unreachable
from mcpmint_runtime.connection import connection_errors

from listening import port_taken, wait_ready

pytestmark = pytest.mark.timeout(120)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WEATHER = ROOT / "generated_examples" / "weather"
TOKEN = "tok-errpkg-81f3"
SECRET = "password=hunter2"  # in the message of errpkg's crash


@pytest.fixture(scope="module")
def pkg_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("errroot")
    shutil.copytree(
        HERE / "errors_pkg",
        root / "errpkg",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return root


def _env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
    return {**env, "PYTHONPATH": str(root), "ERRPKG_TOKEN": TOKEN, **extra}


@dataclass
class Http:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_http(root: Path, log: Path, *args: str, **env: str) -> Http:
    for _ in range(3):
        port = _free_port()
        argv = [sys.executable, "-m", "errpkg", "http", "--port", str(port), *args]
        with log.open("wb") as err:
            proc = subprocess.Popen(
                argv, env=_env(root, **env), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err,
            )  # fmt: skip
        server = Http(proc, f"http://127.0.0.1:{port}/mcp", log)
        try:
            wait_ready(proc, port, server.stderr, 20.0)
            return server
        except AssertionError as exc:
            proc.kill()
            proc.wait()
            if not port_taken(str(exc)):
                raise
    raise AssertionError("no free port")


@pytest.fixture(scope="module")
def http(pkg_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Http]:
    server = _start_http(pkg_root, tmp_path_factory.mktemp("http") / "stderr.log")
    yield server
    server.proc.terminate()
    assert server.proc.wait(15) == 0


async def _call(target: Any, tool: str) -> Any:
    async with Client(target) as client:
        return await client.call_tool(tool, {})


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


def _stdio(root: Path, log: Path, *args: str, **env: str) -> Any:
    """A stdio server process for mcp.Client, its stderr written to `log`."""
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "errpkg", "stdio", *args],
        env=_env(root, **env),
        cwd=str(root),
    ), log


def _run_stdio(root: Path, tmp_path: Path, tool: str, *args: str, **env: str) -> Any:
    params, log = _stdio(root, tmp_path / "stderr.log", *args, **env)

    async def go() -> Any:
        from mcp.client.stdio import stdio_client

        with log.open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog)) as client:
                return await client.call_tool(tool, {})

    result = anyio.run(go)
    return result, log.read_text()


# --- ToolFailure -----------------------------------------------------------------


def test_tool_failure_is_its_text_verbatim_and_logged_without_traceback(
    pkg_root: Path, tmp_path: Path
) -> None:
    result, stderr = _run_stdio(pkg_root, tmp_path, "missing")
    assert result.is_error
    assert _text(result) == "no bookmark with id 7"
    assert "tool 'missing' failed: no bookmark with id 7" in stderr
    assert "Traceback" not in stderr


def test_tool_failure_over_http_is_its_text_too(http: Http) -> None:
    result = anyio.run(_call_http, http.url, "missing")
    assert result.is_error and _text(result) == "no bookmark with id 7"


def test_the_runtime_and_the_generated_shim_export_tool_failure() -> None:
    sys.path.insert(0, str(WEATHER))
    try:
        from weather_server import runtime
    finally:
        sys.path.remove(str(WEATHER))
    assert runtime.ToolFailure is ToolFailure


# --- unexpected exceptions -------------------------------------------------------


async def _call_http(url: str, tool: str, token: str = TOKEN) -> Any:
    sys.path.insert(0, str(WEATHER))
    try:
        from weather_server.client import transport_for
    finally:
        sys.path.remove(str(WEATHER))
    return await _call(transport_for(url, token=token), tool)


def test_stdio_sends_an_unexpected_exception_s_message(
    pkg_root: Path, tmp_path: Path
) -> None:
    result, stderr = _run_stdio(pkg_root, tmp_path, "crash")
    assert result.is_error
    assert _text(result).startswith("Tool 'crash' failed: connection refused: ")
    assert "Traceback" in stderr


def test_http_hides_an_unexpected_exception_behind_an_id_in_the_log(
    http: Http,
) -> None:
    result = anyio.run(_call_http, http.url, "crash")
    text = _text(result)
    assert result.is_error and SECRET not in text
    prefix = "Tool 'crash' failed: internal error (id "
    assert text.startswith(prefix) and text.endswith(")")
    ident = text[len(prefix) : -1]
    assert len(ident) == 8
    log = http.stderr()
    assert f"tool 'crash' raised (id {ident})" in log
    assert "Traceback" in log and SECRET in log  # for the operator, not the client


def test_the_option_and_the_environment_override_the_transport_s_default(
    pkg_root: Path, tmp_path: Path
) -> None:
    result, _ = _run_stdio(pkg_root, tmp_path, "crash", MCP_INTERNAL_ERRORS="hide")
    assert "internal error (id " in _text(result) and SECRET not in _text(result)
    server = _start_http(pkg_root, tmp_path / "http.log", "--internal-errors", "show")
    try:
        result = anyio.run(_call_http, server.url, "crash")
    finally:
        server.proc.terminate()
        server.proc.wait(15)
    assert SECRET in _text(result)


def test_a_bad_internal_errors_value_is_one_line_exit_2(pkg_root: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "errpkg", "stdio"],
        env=_env(pkg_root, MCP_INTERNAL_ERRORS="secret"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "python -m errpkg: error: MCP_INTERNAL_ERRORS: not one of show, hide: 'secret'\n"
    )
    assert "Traceback" not in done.stderr


def test_build_server_s_argument_wins(
    pkg_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sys.path.insert(0, str(pkg_root))
    try:
        from errpkg.server import build_server
    finally:
        sys.path.remove(str(pkg_root))
    caplog.set_level(logging.INFO, "mcpmint_runtime")
    hidden = anyio.run(_call, build_server(internal_errors="hide"), "crash")
    shown = anyio.run(_call, build_server(), "crash")  # in process: the message
    assert "internal error (id " in _text(hidden) and SECRET not in _text(hidden)
    assert SECRET in _text(shown)


# --- the typed client's connection errors ----------------------------------------


def _weather_client() -> Any:
    sys.path.insert(0, str(WEATHER))
    try:
        from weather_server.client import WeatherClient
    finally:
        sys.path.remove(str(WEATHER))
    return WeatherClient


async def _connect(target: str, **kw: Any) -> Any:
    # errpkg is not the weather server: skip the client's check at connect.
    async with _weather_client().connect(target, check=False, **kw) as c:
        return await c.client.call_tool(kw.pop("tool", "missing"), {})


@pytest.mark.parametrize("token", ["wrong", None])
def test_a_refused_token_is_an_auth_error_naming_401_and_the_challenge(
    http: Http, token: str | None
) -> None:
    with pytest.raises(AuthError) as caught:
        anyio.run(lambda: _connect(http.url, token=token))
    assert caught.value.status == 401
    assert caught.value.challenge == "Bearer"
    message = str(caught.value)
    assert message == f"{http.url}: HTTP 401 unauthorized (WWW-Authenticate: Bearer)"
    assert "\n" not in message


def test_a_refused_connection_is_one_line() -> None:
    url = f"http://127.0.0.1:{_free_port()}/mcp"
    with pytest.raises(Unreachable) as caught:
        anyio.run(lambda: _connect(url, token=TOKEN))
    assert (
        str(caught.value) == f"{url}: cannot connect (All connection attempts failed)"
    )


def test_a_command_that_does_not_exist_is_one_line() -> None:
    with pytest.raises(Unreachable) as caught:
        anyio.run(lambda: _connect("no-such-command-7f2 stdio"))
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("no-such-command-7f2 stdio: cannot start")


def test_a_request_past_the_timeout_is_timed_out(http: Http) -> None:
    async def go() -> None:
        weather = _weather_client()
        options = {"token": TOKEN, "timeout": 0.5, "check": False}
        async with weather.connect(http.url, **options) as c:
            await c.client.call_tool("slow", {})

    with pytest.raises(TimedOut) as caught:
        anyio.run(go)
    assert str(caught.value) == f"{http.url}: Request 'tools/call' timed out"


def test_errors_of_the_block_itself_pass_through() -> None:
    async def go() -> None:
        async with connection_errors("x", None):
            raise KeyError("mine")

    with pytest.raises(KeyError):
        anyio.run(go)


# --- python -m <pkg> call -------------------------------------------------------


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "errpkg", *args],
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_call_is_listed_in_help(pkg_root: Path) -> None:
    done = _cli(pkg_root, "--help")
    assert done.returncode == 0
    assert "call      call one tool in process and print what a client sees" in (
        done.stdout
    )
    assert "config    print the JSON a desktop host needs to start this server" in (
        done.stdout
    )


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_call_help_prints_the_usage_and_exits_0(pkg_root: Path, flag: str) -> None:
    done = _cli(pkg_root, "call", flag)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "usage: python -m errpkg call TOOL ['{JSON arguments}']"
    assert "  JSON        its arguments, a JSON object (default: {})" in lines
    assert lines[-2:] == [
        "exit status: 0 on success, 1 on a tool error, 2 on a usage mistake or an",
        "unknown tool",
    ]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["call", "nope"],
            "python -m errpkg call: unknown tool 'nope' (tools: missing, crash, slow)",
        ),
        (
            ["call", "missing", "{x"],
            "python -m errpkg call: the arguments are not JSON: Expecting property "
            "name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (
            ["call", "missing", "[1]"],
            "python -m errpkg call: the arguments must be a JSON object, not list",
        ),
        (["call"], "usage: python -m errpkg call TOOL ['{JSON arguments}']"),
    ],
)
def test_call_usage_errors_are_one_line_exit_2(
    pkg_root: Path, args: list[str], line: str
) -> None:
    done = _cli(pkg_root, *args)
    assert (done.returncode, done.stderr, done.stdout) == (2, line + "\n", "")


def test_call_prints_a_tool_failure_and_exits_1(pkg_root: Path) -> None:
    done = _cli(pkg_root, "call", "missing")
    assert (done.returncode, done.stdout) == (1, "no bookmark with id 7\n")
    assert "Traceback" not in done.stderr
