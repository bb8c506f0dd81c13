"""The default Host allow-list, over raw sockets: the loopback names with any port or
none (what a proxy on port 80 sends), in any letter case; anything else 421.

Raw requests, so the Host header is exactly the bytes written. A 200 from /mcp and
/sse means the SDK's own Host check (it checks again) agreed with the guard's.
"""

from __future__ import annotations

import base64
import json
import os
import socket

import pytest
from transport_helpers import TOKEN, ServerProcess

pytestmark = pytest.mark.timeout(60)

INIT = json.dumps(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "raw", "version": "0"},
        },
    }
).encode()
ACCEPTED = [
    "localhost",
    "127.0.0.1",
    "[::1]",
    "LOCALHOST",
    "LocalHost:{port}",
    "127.0.0.1:80",
    "localhost:{port}",
]
REFUSED = ["evil.example.com", "localhost.evil.com", "localhost:abc", "127.0.0.2"]


def _status(server: ServerProcess, path: str, host: str) -> int:
    """The status code a raw request to `path` with `Host: host` gets."""
    host = host.format(port=server.port)
    lines = [f"Host: {host}", f"Authorization: Bearer {TOKEN}"]
    method, body = "GET", b""
    if path == "/mcp":
        method, body = "POST", INIT
        lines += [
            "Content-Type: application/json",
            "Accept: application/json, text/event-stream",
        ]
    elif path == "/ws":
        key = base64.b64encode(os.urandom(16)).decode()
        lines += [
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Protocol: mcp",
        ]
    lines.append(f"Content-Length: {len(body)}")
    head = f"{method} {path} HTTP/1.1\r\n" + "\r\n".join(lines) + "\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        status_line = sock.makefile("rb").readline().decode()
    return int(status_line.split()[1])


@pytest.mark.parametrize("path", ["/mcp", "/sse", "/ws"])
@pytest.mark.parametrize("host", ACCEPTED)
def test_loopback_hosts_pass_with_any_port_or_none_in_any_case(
    servers: dict[str, ServerProcess], host: str, path: str
) -> None:
    expected = 101 if path == "/ws" else 200
    assert _status(servers["serve"], path, host) == expected


@pytest.mark.parametrize("path", ["/mcp", "/sse", "/ws"])
@pytest.mark.parametrize("host", REFUSED)
def test_other_hosts_get_421(
    servers: dict[str, ServerProcess], host: str, path: str
) -> None:
    assert _status(servers["serve"], path, host) == 421


@pytest.mark.usefixtures("pkg_root")
def test_a_listed_host_matches_in_any_letter_case() -> None:
    from mcpmint_runtime.transports.settings import NetworkSettings

    listed = NetworkSettings(allowed_hosts=("MCP.Example.com", "mcp.example.com:*"))
    assert listed.effective_allowed_hosts() == ["mcp.example.com", "mcp.example.com:*"]
    bound = NetworkSettings(host="Box.Internal")
    assert {"box.internal", "box.internal:*"} <= set(bound.effective_allowed_hosts())
