"""Opaque access tokens checked by token introspection (RFC 7662), against the
real authorization server (node-oidc-provider) issuing opaque tokens for the
oauth-opaque server (oauth_opaque.yaml)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2
import pytest
from mcpmint_runtime.introspection import IntrospectionVerifier, checked
from mcpmint_runtime.oauth import (
    AuthorizationUnavailable,
    Introspection,
    InvalidToken,
    OAuthSettings,
)
from oauth_support import (
    HERE,
    INTROSPECTOR,
    OPAQUE_READER,
    OPAQUE_WRITER,
    Server,
    World,
    free_port,
    generate_server,
    start_server,
)
from test_oauth_roads import INITIALIZE, WRITE, bearer_post, challenge, refusal

pytestmark = pytest.mark.timeout(90)

PACKAGE = "oauth_opaque_server"
CREDENTIALS = {
    "OPAQUE_INTROSPECTION_ID": INTROSPECTOR[0],
    "OPAQUE_INTROSPECTION_SECRET": INTROSPECTOR[1],
}


@dataclass
class Opaque:
    server: Server  # introspects at the endpoint the issuer's metadata names
    down: Server  # introspects at a port nothing listens on
    tokens: list[str]  # every token handed out, to look for in the logs


@pytest.fixture(scope="module")
def opaque(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Opaque]:
    root = generate_server(
        tmp_path_factory.mktemp("oauth-opaque"), HERE / "oauth_opaque.yaml", PACKAGE
    )
    sys.path.insert(0, str(root))
    workdir = tmp_path_factory.mktemp("opaque-run")
    issuer = world.provider.issuer
    server = start_server(
        root, workdir, "serve", issuer, package=PACKAGE, env=CREDENTIALS
    )
    dead = f"http://127.0.0.1:{free_port()}/token/introspection"
    extra = ("--oauth-introspection-endpoint", dead)
    down = start_server(
        root, workdir, "http", issuer, *extra, package=PACKAGE, env=CREDENTIALS
    )
    found = Opaque(server, down, [])
    try:
        yield found
    finally:
        codes = (server.stop(), down.stop())
    assert codes == (0, 0)
    logs = server.log.read_text() + down.log.read_text()
    for secret in (*found.tokens, INTROSPECTOR[1]):  # never logged
        assert secret not in logs


def token(world: World, opaque: Opaque, client: tuple[str, str, str], to: str) -> str:
    issued = world.provider.token(client, to)
    opaque.tokens.append(issued)
    return issued


def revoke(world: World, client: tuple[str, str, str], issued: str) -> None:
    response = httpx2.post(
        f"{world.provider.issuer}/token/revocation",
        data={"token": issued},
        auth=(client[0], client[1]),
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("road", ["http", "sse", "websocket"])
def test_an_opaque_token_calls_and_the_handler_sees_its_principal(
    world: World, opaque: Opaque, road: str
) -> None:
    from oauth_opaque_server.client import OauthOpaqueClient

    server = opaque.server
    issued = token(world, opaque, OPAQUE_WRITER, server.resource)
    assert issued.count(".") != 2  # not a JWT

    async def calls() -> tuple[Any, str]:
        async with OauthOpaqueClient.connect(server.url(road), token=issued) as client:
            me = await client.whoami()
            return me.model_dump(), await client.write_note(text="hi")

    me, written = anyio.run(calls)
    # A client credentials token has no subject: the client is the principal.
    assert me == {
        "subject": "",
        "client": "opaque-writer",
        "scopes": ["notes:read", "notes:write"],
    }
    assert written == "stored: hi"


@pytest.mark.parametrize("road", ["http", "sse", "websocket"])
@pytest.mark.parametrize("case", ["unknown", "revoked", "wrong-audience"])
def test_an_inactive_or_foreign_token_gets_401_invalid_token(
    world: World, opaque: Opaque, road: str, case: str
) -> None:
    server = opaque.server
    if case == "unknown":
        issued, why = "opaque-4f1c", "the token is not active"
    elif case == "revoked":
        issued = token(world, opaque, OPAQUE_WRITER, server.resource)
        revoke(world, OPAQUE_WRITER, issued)
        why = "the token is not active"
    else:
        other = f"http://127.0.0.1:{server.port}/other"
        issued = token(world, opaque, OPAQUE_WRITER, other)
        why = "the token was not issued for this resource"
    expected = challenge(
        server, error="invalid_token", error_description=why, scope="notes:read"
    )
    assert refusal(server, road, issued) == (401, expected)


def test_a_call_without_the_tools_scope_gets_403_naming_every_scope_it_needs(
    world: World, opaque: Opaque
) -> None:
    server = opaque.server
    issued = token(world, opaque, OPAQUE_READER, server.resource)
    response = bearer_post(server.url("http"), issued, WRITE)
    expected = challenge(
        server, error="insufficient_scope", scope="notes:read notes:write"
    )
    assert (response.status_code, response.headers["www-authenticate"]) == (
        403,
        expected,
    )


def test_an_unreachable_introspection_endpoint_is_503(
    world: World, opaque: Opaque
) -> None:
    server = opaque.down
    issued = token(world, opaque, OPAQUE_WRITER, server.resource)
    response = bearer_post(server.url("http"), issued, INITIALIZE)
    assert (response.status_code, response.text) == (503, "Authorization unavailable")
    assert "Cannot check access tokens: http://127.0.0.1:" in server.log.read_text()


def _verify(verifier: IntrospectionVerifier, token: str) -> str:
    """The client a token is accepted for, or why it is refused."""

    async def verify() -> str:
        try:
            return (await verifier.verify(token)).client_id or ""
        except InvalidToken as exc:
            return str(exc)

    return anyio.run(verify)


def _verifier(world: World, resource: str, **cache: Any) -> IntrospectionVerifier:
    credentials = Introspection(INTROSPECTOR[0], INTROSPECTOR[1], **cache)
    settings = OAuthSettings(world.provider.issuer, resource, introspection=credentials)
    return IntrospectionVerifier(settings, credentials)


def test_an_accepted_answer_is_kept_so_a_revoked_token_works_until_it_lapses(
    world: World, opaque: Opaque
) -> None:
    resource = "http://127.0.0.1:9/mcp"
    verifier = _verifier(world, resource, cache_seconds=1.0)
    issued = token(world, opaque, OPAQUE_WRITER, resource)

    assert _verify(verifier, issued) == "opaque-writer"
    revoke(world, OPAQUE_WRITER, issued)
    assert _verify(verifier, issued) == "opaque-writer"  # kept: no round trip
    time.sleep(1.1)
    assert _verify(verifier, issued) == "the token is not active"


def test_with_no_cache_a_revoked_token_is_refused_at_once(
    world: World, opaque: Opaque
) -> None:
    resource = "http://127.0.0.1:9/mcp"
    verifier = _verifier(world, resource, cache_seconds=0.0)
    issued = token(world, opaque, OPAQUE_WRITER, resource)

    assert _verify(verifier, issued) == "opaque-writer"
    revoke(world, OPAQUE_WRITER, issued)
    assert _verify(verifier, issued) == "the token is not active"


def test_an_issuer_refusing_the_servers_credentials_is_unavailable(
    world: World, opaque: Opaque
) -> None:
    resource = "http://127.0.0.1:9/mcp"
    credentials = Introspection(INTROSPECTOR[0], "wrong-secret")
    settings = OAuthSettings(world.provider.issuer, resource, introspection=credentials)
    verifier = IntrospectionVerifier(settings, credentials)
    issued = token(world, opaque, OPAQUE_WRITER, resource)
    with pytest.raises(AuthorizationUnavailable) as refused:
        anyio.run(verifier.verify, issued)
    assert str(refused.value) == (
        f"{world.provider.issuer}/token/introspection: HTTP 401 (invalid_client)"
    )


def test_the_kept_answers_are_bounded(world: World, opaque: Opaque) -> None:
    resource = "http://127.0.0.1:9/mcp"
    verifier = _verifier(world, resource, cache_size=1)
    first, second = (token(world, opaque, OPAQUE_WRITER, resource) for _ in "12")
    assert _verify(verifier, first) == _verify(verifier, second) == "opaque-writer"
    revoke(world, OPAQUE_WRITER, first)
    revoke(world, OPAQUE_WRITER, second)
    assert _verify(verifier, second) == "opaque-writer"  # the one kept
    assert _verify(verifier, first) == "the token is not active"  # forgotten


NOW = 1_800_000_000.0
SETTINGS = OAuthSettings("https://auth.example.com", "https://mcp.example.com/mcp")
ACTIVE = {
    "active": True,
    "iss": "https://auth.example.com",
    "aud": "https://mcp.example.com/mcp",
    "client_id": "c",
    "scope": "a b",
    "exp": NOW + 60,
    "token_type": "Bearer",
}
NOT_FOR_US = "the token was not issued for this resource"
BOUND = "the token is bound to a key (cnf) this server cannot check"
REFUSED = [
    ({"active": False}, "the token is not active"),
    ({"active": "true"}, "the token is not active"),
    ({"iss": "https://other.example.com"}, "the token was issued by another issuer"),
    ({"aud": ["https://mcp.example.com/"]}, NOT_FOR_US),
    ({"aud": None}, NOT_FOR_US),
    ({"exp": NOW - 6}, "the token has expired"),
    ({"nbf": NOW + 6}, "the token is not valid yet"),
    ({"token_type": "DPoP"}, "the token is not a bearer access token (DPoP)"),
    ({"cnf": {"jkt": "x"}}, BOUND),
]  # fmt: skip


@pytest.mark.parametrize(("change", "why"), REFUSED)
def test_each_check_of_an_introspection_answer(
    change: dict[str, Any], why: str
) -> None:
    with pytest.raises(InvalidToken) as refused:
        checked({**ACTIVE, **change}, SETTINGS, NOW)
    assert str(refused.value) == why


def test_an_answer_within_the_leeway_and_without_iss_is_accepted() -> None:
    answer = {**ACTIVE, "exp": NOW - 4, "nbf": NOW + 4, "sub": "s"}
    del answer["iss"]
    found = checked(answer, SETTINGS, NOW)
    assert (found.subject, found.client_id, found.scopes, found.expires_at) == (
        "s",
        "c",
        frozenset({"a", "b"}),
        int(NOW - 4),
    )


def test_a_failed_discovery_is_not_tried_again_within_the_cooldown() -> None:
    """An issuer without metadata is asked once per cooldown, not once per request."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    asked: list[str] = []

    class NoMetadata(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), NoMetadata)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    issuer = f"http://127.0.0.1:{httpd.server_address[1]}"
    settings = OAuthSettings(
        issuer, "http://127.0.0.1:9/mcp", jwks_min_refresh=1.0,
        introspection=Introspection("me", "secret"),
    )  # fmt: skip
    verifier = IntrospectionVerifier(settings, settings.introspection)  # type: ignore[arg-type]

    def refusal() -> str:
        with pytest.raises(AuthorizationUnavailable) as refused:
            anyio.run(verifier.verify, "opaque-token")
        return str(refused.value)

    try:
        why = f"no metadata with an introspection_endpoint found for issuer {issuer}"
        assert refusal() == why
        once = len(asked)
        assert once >= 1
        assert refusal() == why and len(asked) == once  # within the cooldown
        time.sleep(1.1)
        assert refusal() == why and len(asked) == 2 * once  # asked again after it
    finally:
        httpd.shutdown()
        httpd.server_close()
