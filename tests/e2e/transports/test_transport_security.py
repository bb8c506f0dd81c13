"""Bearer token, DNS-rebinding protection, body cap and /healthz, over real sockets."""

from __future__ import annotations

import base64
import os

import anyio
import httpx2
import pytest
from transport_helpers import TOKEN, ServerProcess, auth
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

pytestmark = pytest.mark.timeout(60)

# (server fixture entry, path) for every route that must be guarded
HTTP_ROUTES = [
    ("http", "/mcp"),
    ("stateless", "/mcp"),
    ("json", "/mcp"),
    ("sse", "/sse"),
    ("sse", "/messages/"),
    ("serve", "/mcp"),
    ("serve", "/sse"),
    ("serve", "/messages/"),
]
WS_SERVERS = ["websocket", "serve"]
BAD_CREDENTIALS = {
    "none": {},
    "wrong": auth("wrong-token-value"),
    "basic": {"Authorization": "Basic " + base64.b64encode(TOKEN.encode()).decode()},
}


def _route_id(case: tuple[str, str]) -> str:
    return f"{case[0]}{case[1].rstrip('/')}"


def _upgrade(headers: dict[str, str]) -> dict[str, str]:
    """Headers of a WebSocket handshake, sent as a plain HTTP request."""
    key = base64.b64encode(os.urandom(16)).decode()
    return {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Protocol": "mcp",
        **headers,
    }


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS, ids=str)
@pytest.mark.parametrize("case", HTTP_ROUTES, ids=_route_id)
def test_an_http_route_without_the_right_token_answers_401(
    servers: dict[str, ServerProcess], case: tuple[str, str], credentials: str
) -> None:
    server = servers[case[0]]
    method = "POST" if case[1] != "/sse" else "GET"
    response = httpx2.request(
        method, server.base + case[1], headers=BAD_CREDENTIALS[credentials], json={}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS, ids=str)
@pytest.mark.parametrize("name", WS_SERVERS)
def test_a_websocket_handshake_without_the_right_token_is_refused_with_401(
    servers: dict[str, ServerProcess], name: str, credentials: str
) -> None:
    async def scenario() -> None:
        async with connect(
            servers[name].ws_url,
            subprotocols=[Subprotocol("mcp")],
            additional_headers=BAD_CREDENTIALS[credentials],
        ):
            pass

    with pytest.raises(InvalidStatus) as refused:
        anyio.run(scenario)
    assert refused.value.response.status_code == 401


@pytest.mark.parametrize(
    ("header", "status"),
    [({"Host": "evil.example:8000"}, 421), ({"Origin": "http://evil.example"}, 403)],
    ids=["host", "origin"],
)
@pytest.mark.parametrize(
    "case",
    [*HTTP_ROUTES[:4], ("serve", "/mcp"), ("serve", "/ws"), ("websocket", "/ws")],
)
def test_a_hostile_host_or_origin_is_refused_even_with_the_token(
    servers: dict[str, ServerProcess],
    case: tuple[str, str],
    header: dict[str, str],
    status: int,
) -> None:
    server, path = servers[case[0]], case[1]
    headers = {**auth(), **header}
    if path == "/ws":
        response = httpx2.get(server.base + path, headers=_upgrade(headers))
    else:
        response = httpx2.post(server.base + path, headers=headers, json={})
    assert response.status_code == status


def test_loopback_origins_and_hosts_pass_the_guard(
    servers: dict[str, ServerProcess],
) -> None:
    server = servers["serve"]
    headers = {
        **auth(),
        "Host": f"localhost:{server.port}",
        "Origin": "http://localhost:5173",
    }
    response = httpx2.get(server.base + "/mcp", headers=headers)
    assert response.status_code not in (401, 403, 421)
    shake = httpx2.get(server.base + "/ws", headers=_upgrade(headers))
    assert shake.status_code == 101


def test_healthz_answers_without_a_token_and_from_any_host(
    servers: dict[str, ServerProcess],
) -> None:
    for server in servers.values():
        response = httpx2.get(
            server.base + "/healthz", headers={"Host": "10.1.2.3:8000"}
        )
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/mcp", "/messages/?session_id=" + "0" * 32])
def test_a_body_above_the_cap_answers_413(
    servers: dict[str, ServerProcess], path: str
) -> None:
    server = servers["serve"]  # --max-body-size 200000
    body = b'{"pad": "' + b"x" * 250_000 + b'"}'
    headers = {**auth(), "Content-Type": "application/json"}
    response = httpx2.post(server.base + path, headers=headers, content=body)
    assert response.status_code == 413


def test_tokens_never_reach_the_logs(servers: dict[str, ServerProcess]) -> None:
    for server in servers.values():
        log = server.stderr()
        assert TOKEN not in log
        assert "wrong-token-value" not in log
