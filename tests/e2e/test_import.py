"""`mcpmint import`: a spec read from a running server regenerates the same tools."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
import yaml
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcpmint import cli, generate
from mcpmint.cli import add_import_parser
from mcpmint.importer import run_import

ROOT = Path(__file__).resolve().parents[2]
KITCHEN_SINK = ROOT / "generated_examples" / "kitchen_sink"
WEATHER = ROOT / "generated_examples" / "weather"
PYTHON = sys.executable
TOKEN = "wx-tok-3f9a1c7e"  # distinctive, so a leak into the spec is easy to spot
Run = subprocess.CompletedProcess[str]
Import = Callable[..., Run]
Served = tuple[list[dict[str, Any]], dict[str, Any], str | None]

# `mcpmint import` before the subcommand is wired into cli.py: the same two functions.
SHIM = """import argparse, sys
from mcpmint.cli import add_import_parser
from mcpmint.importer import run_import
parser = argparse.ArgumentParser(prog="mcpmint")
add_import_parser(parser.add_subparsers(dest="command", required=True))
sys.exit(run_import(parser.parse_args(sys.argv[1:])))
"""
WIRED = "import" in getattr(cli, "_COMMANDS", {})
CLI = [PYTHON, "-m", "mcpmint"] if WIRED else [PYTHON, "-c", SHIM]

# A low-level SDK server: the tools named in argv[1], served three to a page.
PAGED_SERVER = """import sys
import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

TOOLS = [
    types.Tool(name=name, description=f"Tool {i}.", input_schema={"type": "object"})
    for i, name in enumerate(sys.argv[1].split(","))
]

async def on_list_tools(ctx, params):
    start = int(params.cursor) if params is not None and params.cursor else 0
    end = start + 3
    more = str(end) if end < len(TOOLS) else None
    return types.ListToolsResult(tools=TOOLS[start:end], next_cursor=more)

async def main():
    server = Server("paged", version="0.3.0", on_list_tools=on_list_tools)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())

anyio.run(main)
"""


def cli_import(*args: str | Path, cwd: Path, **env: str) -> Run:
    """`mcpmint import ARGS` in a process of its own."""
    argv = [*CLI, "import", *map(str, args)]
    return subprocess.run(
        argv, cwd=cwd, env={**os.environ, **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def mint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Import:
    """`mcpmint import ARGS` in this process (faster), run from `tmp_path`."""
    monkeypatch.chdir(tmp_path)

    def call(*args: str | Path, **env: str) -> Run:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        parser = argparse.ArgumentParser(prog="mcpmint")
        add_import_parser(parser.add_subparsers(dest="command", required=True))
        argv = ["import", *map(str, args)]
        code = run_import(parser.parse_args(argv))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(argv, code, out, err)

    return call


def one_line_failure(done: Run, *expected: str) -> None:
    """Exit 1 and a single line on stderr holding each of `expected`."""
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("mcpmint import: "), lines
    assert lines[0].endswith("; nothing written"), lines
    for text in expected:
        assert text in lines[0]


def stdio(module: str, pythonpath: Path) -> StdioServerParameters:
    """`python -m MODULE stdio` with `pythonpath`."""
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return StdioServerParameters(command=PYTHON, args=["-m", module, "stdio"], env=env)


@asynccontextmanager
async def http(url: str) -> AsyncIterator[Any]:
    """Streamable HTTP streams to `url` with the bearer token."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx2.AsyncClient(headers=headers) as client:
        async with streamable_http_client(url, http_client=client) as streams:
            yield streams


def served(target: Any) -> Served:
    """Every tool (by_alias dumps), serverInfo and instructions of a server."""

    async def read() -> Served:
        async with Client(target) as client:
            tools, cursor = [], None
            while True:
                page = await client.list_tools(cursor=cursor)
                tools += [tool.model_dump(by_alias=True) for tool in page.tools]
                if (cursor := page.next_cursor) is None:
                    break
            info = client.server_info
            assert info is not None
            return tools, info.model_dump(by_alias=True), client.instructions

    return anyio.run(read)


def same_server(new: Served, old: Served) -> None:
    """Equal tool by tool, and the same serverInfo and instructions."""
    assert [t["name"] for t in new[0]] == [t["name"] for t in old[0]]
    for new_tool, old_tool in zip(new[0], old[0], strict=True):
        assert new_tool == old_tool, new_tool["name"]
    assert new[1:] == old[1:]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def paged_server(folder: Path, names: str) -> str:
    """The command line of the paged server serving the tools `names`."""
    script = folder / "paged.py"
    script.write_text(PAGED_SERVER, encoding="utf-8")
    return f"{PYTHON} {script} {names}"


@pytest.fixture(scope="module")
def weather(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The weather example server (all network transports, a bearer token): its URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("weather") / "stderr.log"
    env = {**os.environ, "PYTHONPATH": str(WEATHER), "WEATHER_TOKEN": TOKEN}
    argv = [PYTHON, "-m", "weather_server.examples", "serve", "--port", str(port)]
    with log.open("wb") as stderr:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx2.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.05)
        else:
            raise AssertionError(f"weather server not ready:\n{log.read_text()}")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_stdio_import_regenerates_the_same_tools(tmp_path: Path, mint: Import) -> None:
    command, path = f"{PYTHON} -m kitchen_sink.examples stdio", str(KITCHEN_SINK)
    spec = tmp_path / "a" / "spec.yaml"
    done = cli_import(command, "-o", spec, cwd=tmp_path, PYTHONPATH=path)
    assert done.returncode == 0, done.stderr
    assert "6 tool(s) from" in done.stdout and "kitchen_sink_server" in done.stdout
    text = spec.read_text(encoding="utf-8")
    assert text.startswith(f"# Imported by mcpmint from {command}.\n")
    data = yaml.safe_load(text)
    assert data["server"]["package"] == "kitchen_sink_server"
    assert data["transports"] == ["stdio"] and "auth" not in data

    generate(spec, tmp_path / "project")
    old = served(stdio("kitchen_sink.examples", KITCHEN_SINK))
    same_server(served(stdio("kitchen_sink_server", tmp_path / "project")), old)

    again = tmp_path / "b" / "spec.yaml"  # same file name: the header names it
    assert mint(command, "-o", again, PYTHONPATH=path).returncode == 0
    assert again.read_bytes() == spec.read_bytes()  # deterministic


def test_http_import_with_token_regenerates_the_same_tools(
    weather: str, tmp_path: Path, mint: Import
) -> None:
    spec = tmp_path / "weather.yaml"
    args = ["--token-env", "WX_TOKEN", "--transport", "stdio", "--transport", "http"]
    done = mint(weather + "/mcp", "-o", spec, *args, WX_TOKEN=TOKEN)
    assert done.returncode == 0, done.stderr
    text = spec.read_text(encoding="utf-8")
    assert TOKEN not in text + done.stdout + done.stderr
    data = yaml.safe_load(text)
    assert data["transports"] == ["stdio", "http"]
    assert data["auth"] == {"tokenEnv": "WX_TOKEN"}
    assert data["server"]["package"] == "weather_server"

    generate(spec, tmp_path / "project")
    old = served(http(weather + "/mcp"))
    same_server(served(stdio("weather_server", tmp_path / "project")), old)

    sse = tmp_path / "sse" / "weather.yaml"  # the legacy SSE endpoint: the same spec
    assert mint(weather + "/sse", "-o", sse, *args).returncode == 0
    assert sse.read_text(encoding="utf-8").split("\n", 1)[1] == text.split("\n", 1)[1]


def test_a_missing_token_is_a_clear_401(weather: str, mint: Import) -> None:
    one_line_failure(mint(weather + "/mcp", "-o", "spec.yaml"), "HTTP 401", "token")
    one_line_failure(mint(weather + "/sse", "-o", "spec.yaml"), "HTTP 401", "token")
    assert not Path("spec.yaml").exists()


def test_every_page_is_imported_in_order(tmp_path: Path, mint: Import) -> None:
    names = [f"tool_{c}" for c in "gfedcba"]
    done = mint(paged_server(tmp_path, ",".join(names)), "-o", "paged.yaml")
    assert done.returncode == 0, done.stderr
    assert "7 tool(s) in 3 pages" in done.stdout
    data = yaml.safe_load((tmp_path / "paged.yaml").read_text(encoding="utf-8"))
    assert [t["name"] for t in data["tools"]] == names
    schema = {"type": "object"}
    last = {"name": "tool_a", "description": "Tool 6.", "inputSchema": schema}
    assert data["tools"][6] == last
    assert data["server"] == dict(name="paged", version="0.3.0", package="paged_server")


def test_an_invalid_tool_name_writes_nothing(tmp_path: Path, mint: Import) -> None:
    done = mint(paged_server(tmp_path, "ok,'bad name!'"), "-o", "spec.yaml")
    assert done.returncode == 1
    assert "is not a valid spec; nothing written" in done.stderr.splitlines()[0]
    assert "tool name 'bad name!' is not valid (tool 'bad name!')" in done.stderr
    assert not (tmp_path / "spec.yaml").exists()


def test_an_existing_spec_needs_force(tmp_path: Path, mint: Import) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("mine\n", encoding="utf-8")
    command = paged_server(tmp_path, "one")
    one_line_failure(mint(command, "-o", spec), "exists", "--force")
    assert spec.read_text(encoding="utf-8") == "mine\n"
    assert mint(command, "-o", spec, "--force").returncode == 0
    assert yaml.safe_load(spec.read_text(encoding="utf-8"))["tools"][0]["name"] == "one"


def test_a_failure_is_one_line_from_the_command_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/mcp"
    done = cli_import(url, "-o", "spec.yaml", cwd=tmp_path)
    one_line_failure(done, f"cannot connect to {url}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        (
            "http://u:pw@127.0.0.1:{port}/mcp?k=pw",
            "cannot connect to http://127.0.0.1:",
        ),
        ("ws://127.0.0.1:{port}/ws", "WebSocket URLs are not supported"),
        ("{python} -c 'import sys; sys.exit(\"boom\")'", "answering (it said: boom)"),
        ("no-such-command-4f1d --stdio", "cannot run 'no-such-command-4f1d'"),
        ("{python} -c 'print(\"hello\")'", "closed the connection"),
        ("{python} -c 'import time; time.sleep(30)'", "no answer from"),
    ],
    ids=["unreachable", "websocket", "exits", "missing", "not-mcp", "silent"],
)
def test_a_server_that_cannot_be_imported_is_one_line(
    server: str, expected: str, tmp_path: Path, mint: Import
) -> None:
    target = server.format(port=free_port(), python=PYTHON)
    done = mint(target, "-o", "spec.yaml", "--timeout", "2")
    one_line_failure(done, expected)
    assert "pw" not in done.stderr  # no URL credentials or query in messages
    assert list(tmp_path.iterdir()) == []
