"""The OAuth 2.1 resource server on every network road, against a real
authorization server (node-oidc-provider) issuing JWT access tokens for it."""

from __future__ import annotations

import time
from typing import Any

import anyio
import httpx2
import pytest
from oauth_support import NOBODY, READER, WRITER, Server, World

pytestmark = pytest.mark.timeout(90)

# (subcommand, road): `serve` carries the three roads on one port.
ROADS = [("serve", "http"), ("serve", "sse"), ("serve", "websocket"), ("http", "http")]
IDS = [f"{command}-{road}" for command, road in ROADS]
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}
WRITE = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {"name": "write-note", "arguments": {"text": "hi"}},
}


def challenge(server: Server, **params: str) -> str:
    pairs = {"resource_metadata": metadata_url(server), **params}
    return "Bearer " + ", ".join(f'{k}="{v}"' for k, v in pairs.items())


def metadata_url(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}/.well-known/oauth-protected-resource/mcp"


def refusal(server: Server, road: str, token: str | None) -> tuple[int, str | None]:
    """The status and WWW-Authenticate of the road's first request with `token`."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    if road == "websocket":
        return anyio.run(_ws_refusal, server.url(road), headers)
    with httpx2.Client(timeout=10) as client:
        if road == "sse":
            with client.stream("GET", server.url(road), headers=headers) as response:
                return response.status_code, response.headers.get("www-authenticate")
        response = client.post(
            server.url(road),
            json=INITIALIZE,
            headers={**headers, "Accept": "application/json, text/event-stream"},
        )
        return response.status_code, response.headers.get("www-authenticate")


async def _ws_refusal(url: str, headers: dict[str, str]) -> tuple[int, str | None]:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus
    from websockets.typing import Subprotocol

    try:
        async with connect(
            url, subprotocols=[Subprotocol("mcp")], additional_headers=headers
        ):
            return 101, None
    except InvalidStatus as exc:
        return exc.response.status_code, exc.response.headers.get("WWW-Authenticate")


def whoami(server: Server, road: str, token: str) -> tuple[Any, str]:
    """whoami's result and write-note's text through the typed client."""
    from oauth_notes_server.client import OauthNotesClient

    async def calls() -> tuple[Any, str]:
        async with OauthNotesClient.connect(server.url(road), token=token) as client:
            me = await client.whoami()
            return me.model_dump(), await client.write_note(text="hi")

    return anyio.run(calls)


@pytest.mark.parametrize(("command", "road"), ROADS, ids=IDS)
def test_a_valid_token_calls_and_the_handler_sees_its_principal(
    world: World, command: str, road: str
) -> None:
    server = world.servers[command]
    token = world.provider.token(WRITER, server.resource)
    me, written = whoami(server, road, token)
    assert me == {
        "subject": "writer",
        "client": "writer",
        "scopes": ["notes:read", "notes:write"],
    }
    assert written == "stored: hi"


@pytest.mark.parametrize(("command", "road"), ROADS, ids=IDS)
def test_no_token_gets_401_naming_the_metadata_and_the_scope(
    world: World, command: str, road: str
) -> None:
    server = world.servers[command]
    status, header = refusal(server, road, None)
    assert (status, header) == (401, challenge(server, scope="notes:read"))


BAD = {
    "wrong-audience": "the token was not issued for this resource",
    "wrong-issuer": "the token was issued by another issuer",
    "not-a-jwt": "the token is not a JWT",
}


@pytest.mark.parametrize("case", sorted(BAD))
@pytest.mark.parametrize(("command", "road"), ROADS, ids=IDS)
def test_a_bad_token_gets_401_invalid_token(
    world: World, command: str, road: str, case: str
) -> None:
    server = world.servers[command]
    if case == "wrong-audience":
        token = world.provider.token(WRITER, f"http://127.0.0.1:{server.port}/other")
    elif case == "wrong-issuer":
        token = world.other.token(WRITER, server.resource)
    else:
        token = "opaque-4f1c"
    status, header = refusal(server, road, token)
    expected = challenge(
        server, error="invalid_token", error_description=BAD[case], scope="notes:read"
    )
    assert (status, header) == (401, expected)
    assert token not in (server.log.read_text())  # never logged


@pytest.mark.parametrize("road", ["http", "sse", "websocket"])
def test_an_expired_token_gets_401_invalid_token(world: World, road: str) -> None:
    server = world.servers["serve"]
    time.sleep(max(0.0, world.expired_at - time.monotonic()))
    status, header = refusal(server, road, world.expired)
    expected = challenge(
        server,
        error="invalid_token",
        error_description="the token has expired",
        scope="notes:read",
    )
    assert (status, header) == (401, expected)


@pytest.mark.parametrize(("command", "road"), ROADS, ids=IDS)
def test_a_token_without_the_servers_scope_gets_403(
    world: World, command: str, road: str
) -> None:
    server = world.servers[command]
    token = world.provider.token(NOBODY, server.resource)
    status, header = refusal(server, road, token)
    expected = challenge(server, error="insufficient_scope", scope="notes:read")
    assert (status, header) == (403, expected)


@pytest.mark.parametrize("path", ["/mcp", "/messages/"])
def test_a_call_without_the_tools_scope_gets_403_naming_every_scope_it_needs(
    world: World, path: str
) -> None:
    server = world.servers["serve"]
    token = world.provider.token(READER, server.resource)
    url = f"http://127.0.0.1:{server.port}{path}?session_id=0"
    response = bearer_post(url, token, WRITE)
    expected = challenge(
        server, error="insufficient_scope", scope="notes:read notes:write"
    )
    assert (response.status_code, response.headers["www-authenticate"]) == (
        403,
        expected,
    )


def test_on_websocket_a_call_without_the_tools_scope_is_a_json_rpc_error(
    world: World,
) -> None:
    from mcp.shared.exceptions import MCPError
    from oauth_notes_server.client import OauthNotesClient

    server = world.servers["serve"]
    token = world.provider.token(READER, server.resource)

    async def call() -> Any:
        url = server.url("websocket")
        async with OauthNotesClient.connect(url, token=token) as client:
            assert (await client.whoami()).scopes == ["notes:read"]
            with pytest.raises(MCPError) as refused:
                await client.write_note(text="hi")
            return refused.value.error

    error = anyio.run(call)
    assert (error.code, error.message) == (
        -32043,
        "Insufficient scope: this call needs notes:read notes:write",
    )
    assert error.data == {"scope": "notes:read notes:write", "missing": ["notes:write"]}


@pytest.mark.parametrize("suffix", ["", "/mcp"])
def test_the_protected_resource_metadata_names_the_issuer_and_the_scopes(
    world: World, suffix: str
) -> None:
    server = world.servers["serve"]
    url = f"http://127.0.0.1:{server.port}/.well-known/oauth-protected-resource"
    response = httpx2.get(url + suffix)  # no token needed
    assert response.status_code == 200
    assert response.json() == {
        "resource": server.resource,
        "authorization_servers": [world.provider.issuer],
        "bearer_methods_supported": ["header"],
        "scopes_supported": ["notes:read", "notes:write"],
    }


def test_the_generated_server_declares_its_oauth_table(world: World) -> None:
    from oauth_notes_server.server import OAUTH

    assert OAUTH == {
        "issuer": "http://127.0.0.1:1",
        "resource": "http://127.0.0.1:8000/mcp",
        "requiredScopes": ["notes:read"],
        "toolScopes": {"write-note": ["notes:write"]},
        "promptScopes": {"draft": ["notes:write"]},
        "resourceScopes": {"notes://readme": []},  # wins over the template
        "templateScopes": {"notes://{id}": ["notes:write"]},
    }


def test_the_typed_client_names_the_status_the_challenge_and_the_scope(
    world: World,
) -> None:
    from mcpmint_runtime.connection import AuthError
    from oauth_notes_server.client import OauthNotesClient

    server = world.servers["serve"]
    token = world.provider.token(READER, server.resource)

    async def call() -> None:
        async with OauthNotesClient.connect(server.url("http"), token=token) as client:
            await client.write_note(text="hi")

    with pytest.raises(AuthError) as refused:
        anyio.run(call)
    error = refused.value
    expected = challenge(
        server, error="insufficient_scope", scope="notes:read notes:write"
    )
    assert (error.status, error.challenge) == (403, expected)
    assert (error.error, error.scope) == (
        "insufficient_scope",
        "notes:read notes:write",
    )
    assert str(error) == (
        f"{server.url('http')}: HTTP 403 forbidden: insufficient_scope, scope asked: "
        f"notes:read notes:write (WWW-Authenticate: {expected})"
    )


@pytest.mark.parametrize("road", ["http", "sse", "websocket"])
def test_the_typed_client_gets_its_own_tokens_with_client_credentials(
    world: World, road: str
) -> None:
    from mcpmint_runtime.token_source import ClientCredentials
    from oauth_notes_server.client import OauthNotesClient

    server = world.servers["serve"]
    source = ClientCredentials(
        world.provider.issuer,
        WRITER[0],
        WRITER[1],
        scope="notes:read notes:write",
        resource=server.resource,  # the same audience on every road
    )

    async def calls() -> tuple[list[str], str]:
        url = server.url(road)
        async with OauthNotesClient.connect(url, token=source) as client:
            me = await client.whoami()
        first = await source.token(server.resource)
        assert await source.token(server.resource) == first  # kept, not refetched
        return me.scopes, source.token_endpoint or ""

    scopes, endpoint = anyio.run(calls)
    assert scopes == ["notes:read", "notes:write"]
    assert endpoint == f"{world.provider.issuer}/token"  # found in the metadata


def test_a_refused_client_is_one_line_naming_the_token_endpoint(world: World) -> None:
    from mcpmint_runtime.token_source import ClientCredentials, TokenUnavailable
    from oauth_notes_server.client import OauthNotesClient

    server = world.servers["serve"]
    source = ClientCredentials(world.provider.issuer, WRITER[0], "wrong-secret")

    async def connect() -> None:
        async with OauthNotesClient.connect(server.url("http"), token=source):
            pass

    with pytest.raises(TokenUnavailable) as refused:
        anyio.run(connect)
    assert str(refused.value) == (
        f"{world.provider.issuer}/token: HTTP 401: invalid_client "
        "(client authentication failed)"
    )


def bearer_post(url: str, token: str, body: dict[str, Any]) -> httpx2.Response:
    """POST `body` to a Streamable HTTP endpoint with `token` as the bearer."""
    return httpx2.post(
        url,
        json=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json, text/event-stream",
        },
    )


def _post(server: Server, token: str, method: str, params: dict[str, Any]) -> Any:
    body = {"jsonrpc": "2.0", "id": 3, "method": method, "params": params}
    return bearer_post(server.url("http"), token, body)


@pytest.mark.parametrize(
    ("method", "params"),
    [("prompts/get", {"name": "draft"}), ("resources/read", {"uri": "notes://7"})],
    ids=["prompt", "template"],
)
def test_a_prompt_or_resource_without_its_scope_gets_403(
    world: World, method: str, params: dict[str, Any]
) -> None:
    server = world.servers["serve"]
    response = _post(
        server, world.provider.token(READER, server.resource), method, params
    )
    expected = challenge(
        server, error="insufficient_scope", scope="notes:read notes:write"
    )
    assert (response.status_code, response.headers["www-authenticate"]) == (
        403,
        expected,
    )


def test_a_resource_without_scopes_needs_only_the_servers(world: World) -> None:
    server = world.servers["serve"]
    token = world.provider.token(READER, server.resource)
    response = _post(server, token, "resources/read", {"uri": "notes://readme"})
    assert response.status_code != 403  # passed on (no session: the SDK's answer)
    assert "www-authenticate" not in response.headers


def test_on_websocket_a_prompt_without_its_scope_is_a_json_rpc_error(
    world: World,
) -> None:
    from mcp.shared.exceptions import MCPError
    from oauth_notes_server.client import OauthNotesClient

    server = world.servers["serve"]
    token = world.provider.token(READER, server.resource)

    async def get() -> Any:
        url = server.url("websocket")
        async with OauthNotesClient.connect(url, token=token) as client:
            with pytest.raises(MCPError) as refused:
                await client.client.get_prompt("draft")
            return refused.value.error

    error = anyio.run(get)
    assert (error.code, error.message) == (
        -32043,
        "Insufficient scope: this call needs notes:read notes:write",
    )


@pytest.mark.parametrize(
    ("command", "client", "names"),
    [
        ("http", READER, ["whoami"]),
        ("http", WRITER, ["whoami", "write-note"]),
        ("serve", READER, ["whoami", "write-note"]),  # no --oauth-filter-tools
    ],
)
def test_with_oauth_filter_tools_tools_list_shows_what_the_caller_may_call(
    world: World, command: str, client: tuple[str, str, str], names: list[str]
) -> None:
    from oauth_notes_server.client import OauthNotesClient

    server = world.servers[command]
    token = world.provider.token(client, server.resource)

    async def listed() -> list[str]:
        url = server.url("http")
        async with OauthNotesClient.connect(url, token=token, check=False) as c:
            return [tool.name for tool in (await c.client.list_tools()).tools]

    assert anyio.run(listed) == names


def test_a_session_answers_only_the_principal_that_opened_it(world: World) -> None:
    server = world.servers["serve"]
    writer = world.provider.token(WRITER, server.resource)
    reader = world.provider.token(READER, server.resource)
    accept = {"Accept": "application/json, text/event-stream"}
    with httpx2.Client(timeout=10) as client:
        opened = client.post(
            server.url("http"),
            json=INITIALIZE,
            headers={**accept, "Authorization": f"Bearer {writer}"},
        )
        session = opened.headers["mcp-session-id"]
        ping = {"jsonrpc": "2.0", "id": 9, "method": "ping"}

        def status(token: str) -> int:
            headers = {**accept, "Authorization": f"Bearer {token}"}
            headers["Mcp-Session-Id"] = session
            headers["MCP-Protocol-Version"] = "2025-11-25"
            answer = client.post(server.url("http"), json=ping, headers=headers)
            return answer.status_code

        assert (status(reader), status(writer)) == (404, 200)


def test_an_sse_session_answers_only_the_principal_that_opened_it(
    world: World,
) -> None:
    import uuid

    server = world.servers["serve"]
    writer = world.provider.token(WRITER, server.resource)
    reader = world.provider.token(READER, server.resource)
    ping = {"jsonrpc": "2.0", "id": 9, "method": "ping"}
    base = f"http://127.0.0.1:{server.port}"
    with httpx2.Client(timeout=10) as client:
        opener = {"Authorization": f"Bearer {writer}"}
        with client.stream("GET", server.url("sse"), headers=opener) as stream:
            lines = stream.iter_lines()
            endpoint = next(line for line in lines if line.startswith("data: "))
            path = endpoint.removeprefix("data: ")
            session = uuid.UUID(path.partition("session_id=")[2])

            def answer(token: str, spelling: str) -> tuple[int, str]:
                headers = {"Authorization": f"Bearer {token}"}
                url = f"{base}/messages/?session_id={spelling}"
                posted = client.post(url, json=ping, headers=headers)
                return posted.status_code, posted.text

            # Any spelling the SDK reads as the same UUID names the same session.
            for spelling in (session.hex, str(session), session.hex.upper()):
                assert answer(reader, spelling) == (404, "Could not find session")
            assert answer(writer, session.hex)[0] == 202
