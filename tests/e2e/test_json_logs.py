"""`--log-format json` (`MCP_LOG_FORMAT=json`): every stderr line is one JSON object,
and each request handled is one line naming its method, tool, id, duration and outcome.

The generated weather server runs over stdio and over HTTP (with its bearer token);
it gets a good call, a call with arguments that do not fit (a tool error), a call of
a tool it does not have, and a call whose arguments look like secrets. No argument
value and no token, right or wrong, may appear in any line.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from listening import port_taken, wait_ready

pytestmark = pytest.mark.timeout(60)

WEATHER = Path(__file__).resolve().parents[2] / "generated_examples" / "weather"
TOKEN = "tok-jsonlog-6e21a9"
WRONG = "wrong-jsonlog-0c7d"
CITY = "Argval-City-4f1b"  # an argument value: never in a log line
SECRET = "hunter2-pw-93ab"
KEYS = {"time", "level", "logger", "message"}
REQUEST_KEYS = KEYS | {"method", "request_id", "duration_ms", "outcome"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
    return {**env, "PYTHONPATH": str(WEATHER), "WEATHER_TOKEN": TOKEN, **extra}


async def _calls(client: Client) -> list[str]:
    """The four calls; what each answered."""
    seen = []
    result = await client.call_tool("get_conditions", {"city": CITY})
    seen.append("tool_error" if result.is_error else "ok")
    result = await client.call_tool("get_conditions", {"days": CITY})
    seen.append("tool_error" if result.is_error else "ok")
    try:
        await client.call_tool("no_such_tool", {"city": CITY})
        seen.append("ok")
    except MCPError:
        seen.append("error")
    arguments = {
        "city": "Oslo",
        "password": SECRET,
        "authorization": f"Bearer {SECRET}",
    }
    result = await client.call_tool("get_conditions", arguments)
    seen.append("tool_error" if result.is_error else "ok")
    return seen


def _lines(stderr: str) -> list[dict[str, Any]]:
    lines = stderr.splitlines()
    assert lines, "no log lines"
    parsed = []
    for line in lines:
        entry = json.loads(line)  # every line is one JSON object
        assert isinstance(entry, dict) and KEYS <= set(entry), line
        for value in (TOKEN, WRONG, CITY, SECRET):
            assert value not in line, line
        parsed.append(entry)
    return parsed


CALLS = [
    ("get_conditions", "ok", None),
    ("get_conditions", "tool_error", None),
    ("no_such_tool", "error", -32602),
    ("get_conditions", "ok", None),
]


def _check_requests(entries: list[dict[str, Any]], expected: list[Any]) -> None:
    requests = [e for e in entries if e["logger"] == "mcpmint_runtime.requests"]
    for entry in requests:
        assert REQUEST_KEYS <= set(entry), entry
        assert entry["request_id"] is not None and entry["duration_ms"] >= 0
        assert "arguments" not in entry and "params" not in entry
    calls = [
        (e["tool"], e["outcome"], e.get("error_code"))
        for e in requests
        if e["method"] == "tools/call"
    ]
    assert calls == expected
    assert "tools/list" in {e["method"] for e in requests}  # the client's own


def test_every_stdio_log_line_is_json_and_each_call_is_one_line(
    tmp_path: Path,
) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "weather_server", "stdio", "--log-level", "info"],
        env=_env(MCP_LOG_FORMAT="json"),
    )
    log = tmp_path / "stderr.log"

    async def go() -> list[str]:
        with log.open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog)) as client:
                return await _calls(client)

    assert anyio.run(go) == ["ok", "tool_error", "error", "ok"]
    _check_requests(_lines(log.read_text()), CALLS)


def test_with_log_arguments_a_calls_line_holds_its_arguments_redacted(
    tmp_path: Path,
) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "weather_server", "stdio", "--log-arguments"],
        env=_env(MCP_LOG_FORMAT="json"),
    )
    log = tmp_path / "stderr.log"

    async def go() -> None:
        with log.open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog)) as client:
                await _calls(client)
                await client.call_tool("get_conditions", {"city": "x" * 5000})

    anyio.run(go)
    text = log.read_text()
    assert SECRET not in text and TOKEN not in text
    entries = [json.loads(line) for line in text.splitlines()]
    logged = [
        e["arguments"]
        for e in entries
        if e["logger"] == "mcpmint_runtime.requests" and e["method"] == "tools/call"
    ]
    assert logged == [
        {"city": CITY},
        {"days": CITY},
        {"city": CITY},
        {"city": "Oslo", "password": "[redacted]", "authorization": "[redacted]"},
        "[5012 characters, over 4096: not logged]",
    ]
    lists = [e for e in entries if e.get("method") == "tools/list"]
    assert lists and all("arguments" not in e for e in lists)


def test_log_arguments_without_json_lines_is_refused() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "weather_server", "stdio", "--log-arguments"],
        env=_env(), capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert (ran.returncode, ran.stderr.splitlines()[-1]) == (
        2,
        "python -m weather_server: error: --log-arguments adds to the JSON request "
        "lines: add --log-format json",
    )


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    log = tmp_path / "stderr.log"
    for _ in range(3):
        port = _free_port()
        argv = [sys.executable, "-m", "weather_server", "serve", "--port", str(port)]
        # debug: uvicorn's WebSocket handshake dump, with the token, is redacted too
        argv += ["--log-format", "json", "--log-level", "debug"]
        with log.open("wb") as err:
            proc = subprocess.Popen(
                argv, env=_env(), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err,
            )  # fmt: skip
        try:
            wait_ready(proc, port, lambda: log.read_text(errors="replace"), 20.0)
            break
        except AssertionError as exc:
            proc.kill()
            proc.wait()
            if not port_taken(str(exc)):
                raise
    yield f"127.0.0.1:{port}", log
    proc.terminate()
    assert proc.wait(15) == 0


def test_every_http_log_line_is_json_and_no_token_or_argument_is_in_one(
    http_server: tuple[str, Path],
) -> None:
    from mcpmint_runtime.transports.websocket import websocket_client

    address, log = http_server
    url = f"http://{address}/mcp"

    async def go() -> list[str]:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            target = streamable_http_client(url, http_client=http)
            async with Client(target) as client:
                seen = await _calls(client)
        ws = websocket_client(f"ws://{address}/ws", token=TOKEN)
        async with Client(ws) as client:
            await client.call_tool("get_conditions", {"city": CITY})
        return seen

    assert anyio.run(go) == ["ok", "tool_error", "error", "ok"]
    refused = httpx2.post(url, headers={"Authorization": f"Bearer {WRONG}"}, json={})
    assert refused.status_code == 401
    entries = _lines(log.read_text())
    _check_requests(entries, [*CALLS, ("get_conditions", "ok", None)])
    assert any(
        f"Serving MCP: Streamable HTTP at {url}, SSE at " in e["message"]
        for e in entries
    )
    assert any("[redacted]" in e["message"] for e in entries)  # the handshake dump


def test_a_json_line_is_redacted_like_a_text_line() -> None:
    from mcpmint_runtime import redact
    from mcpmint_runtime.jsonlog import JsonFormatter

    redact.add_secret("registered-secret-55")
    try:
        raise ValueError("Authorization: Bearer from-a-traceback-81")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "sent %s and %s", None, sys.exc_info()
        )
    record.args = ("registered-secret-55", "authorization: Bearer in-args-17")
    redact.RedactingFilter().filter(record)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "sent [redacted] and authorization: [redacted]"
    assert "Authorization: [redacted]" in entry["exception"]
    for leaked in ("registered-secret-55", "from-a-traceback-81", "in-args-17"):
        assert leaked not in line
