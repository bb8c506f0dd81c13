"""What is no JSON-RPC message gets the same error, word for word, on every road.

Streamable HTTP (stateful, stateless, JSON responses; a handshake-era session, a
2026-07-28 single exchange, a POST with neither) answers HTTP 400 with the error as an
`application/json` body; stdio answers a line, on the asyncio-pipes path (stdout a
pipe) and on the SDK's threaded path (stdout a file). Before, the SDK answered non-JSON
on HTTP with its own text, its 2026-07-28 entry answered odd ids with its own text, and
stdio on the SDK path never answered a request whose id is an object.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from transport_helpers import ServerProcess, http_client, spawn

pytestmark = pytest.mark.timeout(90)

ID_REASON = 'Invalid Request: "id" must be a string or an integer'


def _error(code: int, message: str, request_id: Any = None) -> dict[str, Any]:
    error = {"code": code, "message": message}
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


# (what is sent, the exact answer owed)
CASES: list[tuple[bytes, dict[str, Any]]] = [
    (b"{bad", _error(-32700, "Parse error")),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "ping"', _error(-32700, "Parse error")),
    (b"not json", _error(-32700, "Parse error")),
    (
        _json({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}),
        _error(-32600, ID_REASON),
    ),
    (
        _json({"jsonrpc": "2.0", "id": True, "method": "ping"}),
        _error(-32600, ID_REASON),
    ),
    (_json({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}), _error(-32600, ID_REASON)),
    (
        _json({"jsonrpc": "2.0", "id": None, "method": "ping"}),
        _error(-32600, ID_REASON),
    ),
    (
        _json({"jsonrpc": "2.0", "id": 7, "method": "ping", "params": [1]}),
        _error(-32600, 'Invalid Request: "params" must be an object', 7),
    ),
    (
        _json({"jsonrpc": "2.0", "id": "s"}),
        _error(-32600, 'Invalid Request: "method" is missing', "s"),
    ),
    (
        _json({"jsonrpc": "1.0", "id": 12, "method": "ping"}),
        _error(-32600, 'Invalid Request: "jsonrpc" must be "2.0"', 12),
    ),
    (
        _json({"jsonrpc": "2.0", "id": 14, "method": 5}),
        _error(-32600, 'Invalid Request: "method" must be a string', 14),
    ),
    (
        _json([{"jsonrpc": "2.0", "id": 1, "method": "ping"}]),
        _error(-32600, "Invalid Request: batches are not supported"),
    ),
    (_json(42), _error(-32600, "Invalid Request: a message must be a JSON object")),
]

LEGACY = "2025-11-25"
HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {
        "protocolVersion": LEGACY,
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "0"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


async def _headers(client: Any, url: str, era: str) -> dict[str, str]:
    if era == "2026-07-28":  # a single exchange: no session, the version in a header
        return {**HEADERS, "MCP-Protocol-Version": "2026-07-28"}
    if era == "none":  # neither a session nor a version
        return dict(HEADERS)
    headers = {**HEADERS, "MCP-Protocol-Version": LEGACY}
    response = await client.post(url, json=INITIALIZE, headers=headers)
    assert response.status_code == 200, response.text
    if (session := response.headers.get("mcp-session-id")) is not None:
        headers["Mcp-Session-Id"] = session
    notified = await client.post(url, json=INITIALIZED, headers=headers)
    assert notified.status_code == 202, notified.text
    return headers


@pytest.mark.parametrize("era", ["handshake", "2026-07-28", "none"])
@pytest.mark.parametrize("name", ["http", "stateless", "json"])
def test_http_answers_400_with_the_error_owed(
    servers: dict[str, ServerProcess], name: str, era: str
) -> None:
    url = servers[name].base + "/mcp"

    async def scenario() -> None:
        async with http_client() as client:
            headers = await _headers(client, url, era)
            for body, expected in CASES:
                response = await client.post(url, content=body, headers=headers)
                assert response.status_code == 400, (body, response.text)
                assert response.headers["content-type"] == "application/json"
                assert response.json() == expected, body
            if era == "handshake":  # the session still serves
                ping = {"jsonrpc": "2.0", "id": 9, "method": "tools/list"}
                answer = await client.post(url, json=ping, headers=headers)
                assert answer.status_code == 200, answer.text

    anyio.run(scenario)


def _answers(lines: list[bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines if line.strip()]


def _expected_stdio() -> list[dict[str, Any]]:
    initialized = {"jsonrpc": "2.0", "id": 0}
    return [initialized, *(expected for _, expected in CASES)]


def _requests() -> bytes:
    lines = [_json(INITIALIZE), *(body for body, _ in CASES)]
    return b"\n".join(lines) + b"\n"


def _comparable(answers: list[dict[str, Any]]) -> list[str]:
    # The initialize answer's result is not the point here: only its id.
    out = [
        json.dumps(a.get("error", {"id": a["id"]}) | {"id": a["id"]}, sort_keys=True)
        for a in answers
    ]
    return sorted(out)


def test_stdio_on_pipes_answers_each_line(pkg_root: Path, tmp_path: Path) -> None:
    server = spawn(
        pkg_root, tmp_path, ["stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert server.proc.stdin is not None and server.proc.stdout is not None
    server.proc.stdin.write(_requests())
    server.proc.stdin.flush()
    answers = [server.proc.stdout.readline() for _ in range(len(CASES) + 1)]
    server.proc.stdin.close()
    assert server.proc.wait(timeout=15) == 0, server.stderr()
    server.proc.stdout.close()
    assert _comparable(_answers(answers)) == _comparable(_expected_stdio())


@pytest.mark.parametrize("stdin_kind", ["file", "pipe"])
def test_stdio_with_stdout_a_file_answers_each_line_too(
    pkg_root: Path, tmp_path: Path, stdin_kind: str
) -> None:
    # stdout a file: the SDK's threaded transport serves, with the same checks.
    requests = tmp_path / "requests.jsonl"
    requests.write_bytes(_requests())
    replies = tmp_path / "replies.jsonl"
    with requests.open("rb") as source, replies.open("wb") as stdout:
        stdin: Any = source.fileno() if stdin_kind == "file" else subprocess.PIPE
        server = spawn(
            pkg_root, tmp_path, ["stdio"], stdin=stdin, stdout=stdout.fileno()
        )
        if stdin_kind == "pipe":
            assert server.proc.stdin is not None
            server.proc.stdin.write(_requests())
            server.proc.stdin.flush()
            deadline = time.monotonic() + 20
            while replies.read_bytes().count(b"\n") < len(CASES) + 1:
                assert time.monotonic() < deadline, replies.read_text()
                time.sleep(0.05)
            server.proc.stdin.close()
        assert server.proc.wait(timeout=20) == 0, server.stderr()
    answers = _answers(replies.read_bytes().splitlines())
    assert _comparable(answers) == _comparable(_expected_stdio())
