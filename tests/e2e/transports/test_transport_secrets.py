"""No secret in any log line: every road, every log level, good and bad calls.

A server holding a bearer token (`--token-env`) runs once per road and level; it
gets a good session (a tool call), a wrong token, no token, and a body or frame that
is not JSON. Then neither the token nor the wrong one may appear in any line of
its stdout or stderr (uvicorn's WebSocket handshake dump used to log
`authorization: Bearer <token>` at debug level).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import anyio
import httpx2
import pytest
from transport_helpers import TOKEN, TOKEN_ENV, ServerProcess, connect, spawn

from listening import ready

pytestmark = pytest.mark.timeout(90)

LEVELS = ("debug", "info", "warning", "error")
WRONG = "wrong-tok-3c8e1f"  # a credential too: redacted like the right one
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "0"},
    },
}
CALL = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {"name": "echo", "arguments": {"text": "hi"}},
}
ROAD_CALLS = {
    "http": ("http",),
    "sse": ("sse",),
    "websocket": ("websocket",),
    "serve": ("http", "sse", "websocket"),
}


def _assert_clean(*outputs: str) -> None:
    for output in outputs:
        for line in output.splitlines():
            assert TOKEN not in line and WRONG not in line, line
    assert "Traceback" not in "".join(outputs)


def _stdio(pkg_root: Path, workdir: Path, level: str) -> tuple[str, str]:
    lines = [INIT, {"jsonrpc": "2.0", "method": "notifications/initialized"}, CALL]
    wire = "".join(json.dumps(m) + "\n" for m in lines) + "{not json\n"
    server = spawn(
        pkg_root,
        workdir,
        ["stdio", "--log-level", level],
        env={"FAKEPKG_TOKEN_ENV": TOKEN_ENV},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    out, _ = server.proc.communicate(wire.encode(), timeout=30)
    assert server.proc.returncode == 0
    assert b'"id":2' in out and b"-32700" in out  # the call and the bad line answered
    return out.decode(), server.stderr()


async def _bad_calls(server: ServerProcess, kind: str) -> None:
    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import InvalidStatus

    if kind == "websocket":
        for headers in ({"Authorization": f"Bearer {WRONG}"}, {}):
            with pytest.raises(InvalidStatus, match="401"):
                async with ws_connect(
                    server.ws_url, subprotocols=["mcp"], additional_headers=headers
                ):
                    pass  # pragma: no cover
        good = {"Authorization": f"Bearer {TOKEN}"}
        async with ws_connect(
            server.ws_url, subprotocols=["mcp"], additional_headers=good
        ) as ws:
            await ws.send("{not json")
            assert "-32700" in str(await ws.recv())
        return
    path = "/mcp" if kind == "http" else "/messages/?session_id=00"
    accept = {"Accept": "application/json, text/event-stream"}
    async with httpx2.AsyncClient(base_url=server.base, timeout=10) as client:
        for token, status in ((WRONG, 401), (None, 401), (TOKEN, 400)):
            headers = {**accept, "Content-Type": "application/json"}
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            answer = await client.post(path, content=b"{not json", headers=headers)
            assert answer.status_code in (status, 404), (kind, token, answer.text)
        if kind == "sse":
            headers = {"Authorization": f"Bearer {WRONG}"}
            assert (await client.get("/sse", headers=headers)).status_code == 401


async def _network_calls(server: ServerProcess, kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        async with connect(kind, server) as client:
            result = await client.call_tool("echo", {"text": "hi"})
            assert result.structured_content == {"text": "hi"}
        await _bad_calls(server, kind)


def _launch(pkg_root: Path, workdir: Path, road: str, level: str) -> ServerProcess:
    args = [road, "--token-env", TOKEN_ENV, "--log-level", level]
    with (workdir / "stdout.log").open("ab") as stdout:
        return spawn(pkg_root, workdir, args, stdout=stdout.fileno())


@pytest.mark.parametrize("road", ["stdio", "http", "sse", "websocket", "serve"])
def test_no_log_line_holds_the_token_on_any_road_at_any_level(
    pkg_root: Path, tmp_path: Path, road: str
) -> None:
    if road == "stdio":
        for level in LEVELS:
            _assert_clean(*_stdio(pkg_root, tmp_path / level, level))
        return
    servers = {}
    for level in LEVELS:  # started side by side
        (tmp_path / level).mkdir()
        servers[level] = _launch(pkg_root, tmp_path / level, road, level)
    try:
        for level, server in servers.items():
            again = lambda level=level: _launch(pkg_root, tmp_path / level, road, level)  # noqa: E731
            servers[level] = ready(server, again)
        for server in servers.values():
            anyio.run(_network_calls, server, ROAD_CALLS[road])
    finally:
        codes = [server.stop() for server in servers.values()]
    assert codes == [0] * len(LEVELS)
    debug = servers["debug"].stderr()
    assert "DEBUG" in debug  # the level that used to leak did log
    for level, server in servers.items():
        _assert_clean(server.stderr(), (tmp_path / level / "stdout.log").read_text())


def test_the_filter_redacts_headers_bearer_credentials_secrets_and_tracebacks() -> None:
    import logging

    from mcpmint_runtime import redact

    redact.add_secret("s3cret-value")
    assert redact.redact("< authorization: Bearer abc") == "< authorization: [redacted]"
    assert redact.redact("[(b'cookie', b'sid=1')]") == "[(b'cookie', b'[redacted]')]"
    assert redact.redact("Proxy-Authorization=Basic xyz") == (
        "Proxy-Authorization=[redacted]"
    )
    assert redact.redact("sent Bearer abc.def") == "sent Bearer [redacted]"
    assert redact.redact("token s3cret-value in a URL") == "token [redacted] in a URL"
    assert redact.redact("x%3Ds3cret-value1") == "x%3D[redacted]1"  # anywhere
    # A short token is taken out where it stands alone, not out of every word
    redact.add_secret("x")
    try:
        assert redact.redact("then exiting, x") == "then exiting, [redacted]"
    finally:
        redact._SECRETS.pop("x")
    try:
        raise ValueError("bad s3cret-value")
    except ValueError as exc:
        record = logging.LogRecord("x", 40, "f", 1, "%s", ("s3cret-value",), None)
        record.exc_info = (type(exc), exc, exc.__traceback__)
    assert redact.RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "s3cret-value" not in text and "[redacted]" in text
