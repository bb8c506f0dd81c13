"""Logging from handlers, end to end: a tool that logs at every level through
`ctx.log`, its server run for real on stdio and on loopback Streamable HTTP, and
called with the SDK client in both protocol eras.

Handshake era: `logging/setLevel` filters per session (everything until the client
sets a level). 2026-07-28: a request gets messages only when its `_meta` asks, at or
above the level it asked. The server never prints the SDK's logging deprecation
warning (SEP-2577).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPDeprecationWarning

from generated_project import generate_project
from listening import wait_ready

pytestmark = pytest.mark.timeout(120)

PYTHON = sys.executable
PACKAGE = "chatty_server"
LEVELS = [
    "debug",
    "info",
    "notice",
    "warning",
    "error",
    "critical",
    "alert",
    "emergency",
]
MODERN = "2026-07-28"
SPEC = """\
mcpmint: 1
server: {name: chatty, version: 1.0.0}
transports: [stdio, http]
tools:
  - name: chatter
    description: Logs one message at every level, then says which were sent.
    inputSchema: {type: object}
"""
HANDLER = """\
from __future__ import annotations

from ..context import Context
from ..models import ChatterInput

LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert",
          "emergency")


async def chatter(args: ChatterInput, ctx: Context) -> str:
    sent = [level for level in LEVELS if await ctx.log(level, {"at": level},
                                                        logger="chatter")]
    return " ".join(sent)
"""
# What the server must never print.
WARNINGS = ("MCPDeprecationWarning", "SEP-2577", "deprecated")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("logging")
    generate_project(root, SPEC)
    out = root / "out"
    handler = out / PACKAGE / "handlers" / "chatter.py"
    handler.write_text(HANDLER, encoding="utf-8")
    return out


def env_for(project: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
    return {**env, "PYTHONPATH": os.pathsep.join([str(project), *sys.path])}


class Log:
    """The log notifications a client received, as (level, data, logger)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any, str | None]] = []

    async def __call__(self, params: types.LoggingMessageNotificationParams) -> None:
        self.seen.append((params.level, params.data, params.logger))

    def levels(self) -> list[str]:
        levels = [level for level, _, _ in self.seen]
        self.seen.clear()
        return levels


async def chatter(client: Client, log: Log, **kw: Any) -> tuple[str, list[str]]:
    """What the tool says it sent, and what arrived."""
    result = await client.call_tool("chatter", {}, **kw)
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    await anyio.sleep(0.05)  # let notifications still in flight land
    return block.text, log.levels()


async def handshake_era(connect: Any) -> None:
    log = Log()
    async with connect(log, mode="legacy") as client:
        assert client.protocol_version < MODERN
        assert client.server_capabilities.logging is not None
        # No level set yet: everything is sent.
        assert await chatter(client, log) == (" ".join(LEVELS), LEVELS)
        assert log.seen == []
        await set_level(client, "warning")
        # The session's level holds for every later call.
        for _ in range(2):
            text, arrived = await chatter(client, log)
            assert arrived == LEVELS[3:] == text.split()
        await set_level(client, "debug")
        assert (await chatter(client, log))[1] == LEVELS


async def modern_era(connect: Any) -> None:
    log = Log()
    async with connect(log) as client:  # auto: server/discover picks 2026-07-28
        assert client.protocol_version == MODERN
        assert client.server_capabilities.logging is not None
        # Not asked: nothing is sent.
        assert await chatter(client, log) == ("", [])
        # Asked for this request only, at notice and above.
        meta: Any = {types.LOG_LEVEL_META_KEY: "notice"}
        text, arrived = await chatter(client, log, meta=meta)
        assert arrived == LEVELS[2:] == text.split()
        assert await chatter(client, log) == ("", [])
    async with connect(log, log_level="error") as client:
        # The client's default opt-in stamps every request.
        assert (await chatter(client, log))[1] == LEVELS[4:]
        assert (await chatter(client, log))[1] == LEVELS[4:]


async def set_level(client: Client, level: types.LoggingLevel) -> None:
    """`logging/setLevel`; the SDK client warns of its deprecation, on our side."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        await client.set_logging_level(level)


def no_warning(stderr: str) -> None:
    assert not [w for w in WARNINGS if w in stderr], stderr


@pytest.mark.parametrize("era", ["handshake", MODERN])
def test_logging_over_stdio(project: Path, tmp_path: Path, era: str) -> None:
    params = StdioServerParameters(
        command=PYTHON, args=["-m", PACKAGE, "stdio"], env=env_for(project)
    )
    stderr = tmp_path / "stderr.log"

    async def main() -> None:
        with stderr.open("w") as errlog:

            def connect(log: Log, **kw: Any) -> Client:
                return Client(
                    stdio_client(params, errlog=errlog), logging_callback=log, **kw
                )

            await (handshake_era if era == "handshake" else modern_era)(connect)

    anyio.run(main)
    no_warning(stderr.read_text())


@contextmanager
def serve(project: Path, *options: str) -> Iterator[tuple[str, Path]]:
    """The server on loopback HTTP: its URL and its stderr's file."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    stderr = project.parent / f"http-{port}.log"
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [PYTHON, "-m", PACKAGE, "http", "--port", str(port), *options],
            env=env_for(project),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_ready(proc, port, lambda: stderr.read_text(errors="replace"), 30)
        yield f"http://127.0.0.1:{port}/mcp", stderr
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture(scope="module")
def http_server(project: Path) -> Iterator[tuple[str, Path]]:
    with serve(project) as served:
        yield served


@pytest.mark.parametrize("era", ["handshake", MODERN])
def test_logging_over_http(http_server: tuple[str, Path], era: str) -> None:
    url, stderr = http_server

    def connect(log: Log, **kw: Any) -> Client:
        return Client(url, logging_callback=log, **kw)

    anyio.run(handshake_era if era == "handshake" else modern_era, connect)
    no_warning(stderr.read_text())


def test_the_level_is_per_session(http_server: tuple[str, Path]) -> None:
    """One HTTP session's `logging/setLevel` leaves another's stream alone."""
    url, _ = http_server

    async def main() -> None:
        quiet, loud = Log(), Log()
        async with (
            Client(url, mode="legacy", logging_callback=quiet) as first,
            Client(url, mode="legacy", logging_callback=loud) as second,
        ):
            await set_level(first, "emergency")
            assert (await chatter(first, quiet))[1] == ["emergency"]
            assert (await chatter(second, loud))[1] == LEVELS

    anyio.run(main)


def test_stateless_http_has_no_session_to_keep_a_level(project: Path) -> None:
    """With `--stateless` every request is its own session: a `logging/setLevel`
    lasts only its own request, so later calls get every level."""

    async def main(url: str) -> None:
        log = Log()
        async with Client(url, mode="legacy", logging_callback=log) as client:
            await set_level(client, "error")
            assert (await chatter(client, log))[1] == LEVELS

    with serve(project, "--stateless") as (url, stderr):
        anyio.run(main, url)
    no_warning(stderr.read_text())
