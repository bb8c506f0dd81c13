"""Replicas behind nginx, sharing MCP_REQUEST_STATE_KEY and a Redis bus (`--bus-url`).

Stateless replicas `a` and `b` (one key) and `c` (another key) sit behind two
round-robin upstreams; nginx adds `X-Upstream: $upstream_addr` to every answer, so a
test knows which replica answered. Stateful replicas `sa` and `sb` sit behind the
shipped docs/nginx/mcp-sessions.conf, its ports filled in, with `--session-route a`
and `b`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx2
import mcp_types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPDeprecationWarning
from replicas_support import (
    KEY,
    OTHER_KEY,
    SHIPPED,
    Replica,
    free_port,
    start_nginx,
    start_replicas,
    stop,
    stop_nginx,
    wait_listening,
)

pytestmark = pytest.mark.timeout(120)

MODERN = "2026-07-28"
WATCHED = "x://watched"
UPDATED = "notifications/resources/updated"
TOOLS_CHANGED = "notifications/tools/list_changed"
ALL_CAPS = {"elicitation": {}, "sampling": {}, "roots": {}}
PROXY = """\
    location / {{
        proxy_pass http://{upstream};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_buffering off;
    }}"""


@dataclass
class Cluster:
    replicas: dict[str, Replica]
    shared: str  # nginx: a and b, one key
    mixed: str  # nginx: a and c, two keys
    sessions: str  # nginx with the shipped config: sa and sb, stateful

    def answered(self, response: httpx2.Response) -> str:
        """The name of the replica nginx passed the request to."""
        port = int(response.headers["x-upstream"].rsplit(":", 1)[1])
        return next(r.name for r in self.replicas.values() if r.port == port)


def shipped_config(a: int, b: int, listen: int) -> str:
    """docs/nginx/mcp-sessions.conf with this test's ports instead of its own."""
    text = SHIPPED.read_text()
    assert text.count("127.0.0.1:8001") == 2 and text.count("127.0.0.1:8002") == 2
    assert text.count("listen 8080;") == 1
    text = text.replace("127.0.0.1:8001", f"127.0.0.1:{a}")
    text = text.replace("127.0.0.1:8002", f"127.0.0.1:{b}")
    return text.replace("listen 8080;", f"listen 127.0.0.1:{listen};")


@pytest.fixture(scope="module")
def cluster(
    project: Path, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    bus = ["--bus-url", redis_url]
    shared = {"MCP_REQUEST_STATE_KEY": KEY}
    by_env = {"MCP_BUS_URL": redis_url}  # the variable does what the flag does
    started = start_replicas(
        project,
        [
            ("a", ["--stateless", *bus], shared),
            ("b", ["--stateless"], {**shared, **by_env}),
            ("c", ["--stateless", *bus], {"MCP_REQUEST_STATE_KEY": OTHER_KEY}),
            ("sa", ["--session-route", "a", *bus], shared),
            ("sb", ["--session-route", "b", *bus], shared),
        ],
    )
    replicas = {r.name: r for r in started}
    ports = [free_port() for _ in range(3)]

    def upstream(name: str, members: str) -> str:
        servers = " ".join(f"server 127.0.0.1:{replicas[m].port};" for m in members)
        return f"    upstream {name} {{ {servers} }}"

    body = "\n".join(
        [
            upstream("shared", "ab"),
            upstream("mixed", "ac"),
            f"    server {{\n        listen 127.0.0.1:{ports[0]};",
            PROXY.format(upstream="shared") + "\n    }",
            f"    server {{\n        listen 127.0.0.1:{ports[1]};",
            PROXY.format(upstream="mixed") + "\n    }",
            shipped_config(replicas["sa"].port, replicas["sb"].port, ports[2]),
        ]
    )
    folder = tmp_path_factory.mktemp("nginx")
    nginx = start_nginx(folder, body)
    try:
        for port in ports:
            wait_listening(nginx, port, folder)
        yield Cluster(replicas, *(f"http://127.0.0.1:{p}/mcp" for p in ports))
    finally:
        assert stop_nginx(nginx) == 0
        codes = {r.name: stop(r.proc) for r in started}
        assert codes == {r.name: 0 for r in started}, [r.stderr() for r in started]


def post(
    url: str, method: str, params: dict[str, Any], caps: dict[str, Any] | None = None
) -> tuple[httpx2.Response, dict[str, Any]]:
    """A 2026-07-28 request by hand: the response and its JSON-RPC message."""
    meta = {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": caps or {},
    }
    body = {"jsonrpc": "2.0", "id": 7, "method": method}
    body["params"] = {**params, "_meta": meta}
    headers = {
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": MODERN,
        "Mcp-Method": method,
    }
    if "name" in params:
        headers["Mcp-Name"] = params["name"]
    response = httpx2.post(url, json=body, headers=headers, timeout=10)
    text = response.text
    if response.headers["content-type"].startswith("text/event-stream"):
        text = [line[5:] for line in text.splitlines() if line.startswith("data:")][-1]
    return response, json.loads(text)


def call(url: str, tool: str, **kw: Any) -> tuple[httpx2.Response, dict[str, Any]]:
    return post(url, "tools/call", {"name": tool, "arguments": {}, **kw}, ALL_CAPS)


def text_of(message: dict[str, Any]) -> str:
    return str(message["result"]["content"][0]["text"])


def test_modern_traffic_through_nginx_reaches_both_replicas(
    cluster: Cluster, redis_url: str
) -> None:
    line = f"Sharing change events on {redis_url}, channel mcpmint:relay:changes"
    for name in ("a", "b", "c"):  # `b` has it from MCP_BUS_URL
        assert line in cluster.replicas[name].stderr(), name
    seen = []
    for _ in range(6):
        response, message = call(cluster.shared, "whoami")
        assert response.status_code == 200, message
        assert text_of(message) == cluster.answered(response)  # as nginx says
        seen.append(text_of(message))
    assert set(seen) == {"a", "b"}, seen

    async def with_the_sdk() -> set[str]:
        names = set()
        async with Client(cluster.shared) as client:
            assert client.protocol_version == MODERN
            for _ in range(4):
                result = await client.call_tool("whoami", {})
                names.add(getattr(result.content[0], "text", ""))
        return names

    assert anyio.run(with_the_sdk) == {"a", "b"}


def retry_elsewhere(
    cluster: Cluster, url: str
) -> tuple[str, httpx2.Response, dict[str, Any]]:
    """Round 1 of `ask_name` through nginx, then its retry until another replica
    takes it: (the first replica, the retry's response and message)."""
    response, opened = call(url, "ask_name")
    assert opened["result"]["resultType"] == "input_required", opened
    first = cluster.answered(response)
    state = opened["result"]["requestState"]
    answer = {"elicitation-1": {"action": "accept", "content": {"name": "Ada"}}}
    for _ in range(6):
        response, message = call(
            url, "ask_name", inputResponses=answer, requestState=state
        )
        if cluster.answered(response) != first:
            return first, response, message
        assert text_of(message) == f"Ada on {first}"  # its own state: taken
    raise AssertionError("nginx never passed the retry to the other replica")


def test_a_retry_taken_by_another_replica_with_the_same_key_succeeds(
    cluster: Cluster,
) -> None:
    first, response, message = retry_elsewhere(cluster, cluster.shared)
    other = cluster.answered(response)
    assert {first, other} == {"a", "b"}
    assert response.status_code == 200
    assert text_of(message) == f"Ada on {other}"


def test_a_retry_taken_by_a_replica_with_another_key_is_refused(
    cluster: Cluster,
) -> None:
    first, response, message = retry_elsewhere(cluster, cluster.mixed)
    assert {first, cluster.answered(response)} == {"a", "c"}
    assert response.status_code == 400
    assert message["error"]["code"] == -32602
    assert message["error"]["message"] == "Invalid or expired requestState"


@asynccontextmanager
async def listen(
    http: httpx2.AsyncClient, url: str, notifications: dict[str, Any]
) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
    """The JSON-RPC messages of one `subscriptions/listen` stream, as they come."""
    meta = {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
    }
    params = {"_meta": meta, "notifications": notifications}
    body = {"jsonrpc": "2.0", "id": 5, "method": "subscriptions/listen"}
    headers = {
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": MODERN,
        "Mcp-Method": "subscriptions/listen",
    }
    request = {**body, "params": params}
    async with http.stream("POST", url, json=request, headers=headers) as response:
        assert response.status_code == 200

        async def messages() -> AsyncIterator[dict[str, Any]]:
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    yield json.loads(line[5:])

        yield messages()


def test_a_listener_on_one_replica_hears_tools_called_on_another(
    cluster: Cluster,
) -> None:
    a, b = cluster.replicas["a"], cluster.replicas["b"]
    wanted = {"resourceSubscriptions": [WATCHED], "toolsListChanged": True}

    async def main() -> list[dict[str, Any]]:
        async with (
            httpx2.AsyncClient(timeout=10) as http,
            listen(http, a.url, wanted) as stream,
        ):
            with anyio.fail_after(10):
                ack = await stream.__anext__()
                assert ack["method"] == "notifications/subscriptions/acknowledged"
                for tool in ("touch", "grow"):  # on b, published through Redis
                    response, message = await anyio.to_thread.run_sync(
                        lambda tool=tool: call(b.url, tool)
                    )
                    assert text_of(message) == "b"
                return [await stream.__anext__(), await stream.__anext__()]

    updated, changed = anyio.run(main)
    tag = {"io.modelcontextprotocol/subscriptionId": 5}
    assert updated == {
        "jsonrpc": "2.0",
        "method": UPDATED,
        "params": {"_meta": tag, "uri": WATCHED},
    }
    assert changed == {
        "jsonrpc": "2.0",
        "method": TOOLS_CHANGED,
        "params": {"_meta": tag},
    }


async def whoami(client: Client) -> str:
    result = await client.call_tool("whoami", {})
    return str(getattr(result.content[0], "text", ""))


def legacy(url: str, **kw: Any) -> Client:
    return Client(url, mode="legacy", **kw)


def test_the_shipped_nginx_config_keeps_each_session_on_its_replica(
    cluster: Cluster,
) -> None:
    async def one_session() -> str:
        async with legacy(cluster.sessions) as client:
            names = {await whoami(client) for _ in range(3)}
            await client.call_tool("touch", {})
            assert [t.name for t in (await client.list_tools()).tools][:2] == [
                "touch",
                "grow",
            ]
            names.add(await whoami(client))
        assert len(names) == 1, names  # every call on the session's replica
        return names.pop()

    async def sessions() -> list[str]:
        return [await one_session() for _ in range(4)]

    assert set(anyio.run(sessions)) == {"sa", "sb"}  # initialize: round robin
    # The ids name their replica; another replica does not know them.
    for _ in range(2):
        response, _ = initialize(cluster.sessions)
        owner = cluster.answered(response)
        session = response.headers["mcp-session-id"]
        assert session.startswith({"sa": "a.", "sb": "b."}[owner])
        elsewhere = cluster.replicas["sb" if owner == "sa" else "sa"].url
        ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
        refused = httpx2.post(elsewhere, json=ping, headers=legacy_headers(session))
        assert refused.status_code == 404


def legacy_headers(session: str | None = None) -> dict[str, str]:
    headers = {"Accept": "application/json, text/event-stream"}
    if session is not None:
        headers |= {"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}
    return headers


def initialize(url: str) -> tuple[httpx2.Response, str]:
    params = {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    }
    body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params}
    response = httpx2.post(url, json=body, headers=legacy_headers(), timeout=10)
    assert response.status_code == 200, response.text
    return response, response.text


class Heard:
    """The change notifications a handshake-era session received."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str | None]] = set()

    async def __call__(self, message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            self.seen.add((message.method, message.params.uri))
        elif isinstance(message, types.ToolListChangedNotification):
            self.seen.add((message.method, None))


async def until(check: Callable[[], bool], act: Callable[[], Any]) -> None:
    """Repeat `act` until `check` holds, for up to 10 s: a session's standalone
    stream opens just after the handshake, and events before it are not delivered."""
    with anyio.fail_after(10):
        while not check():
            await act()
            await anyio.sleep(0.2)


def test_a_handshake_session_hears_of_changes_made_on_another_replica(
    cluster: Cluster,
) -> None:
    async def main() -> None:
        heard = Heard()
        async with legacy(cluster.sessions, message_handler=heard) as listener:
            home = await whoami(listener)
            with warnings.catch_warnings():  # the SDK client's deprecation notice
                warnings.simplefilter("ignore", MCPDeprecationWarning)
                await listener.subscribe_resource(WATCHED)
            for _ in range(6):  # initialize goes round robin: find the other one
                async with legacy(cluster.sessions) as other:
                    if await whoami(other) == home:
                        continue

                    async def touch(other: Client = other) -> None:
                        await other.call_tool("touch", {})

                    async def grow(other: Client = other) -> None:
                        await other.call_tool("grow", {})

                    await until(lambda: (UPDATED, WATCHED) in heard.seen, touch)
                    await until(lambda: (TOOLS_CHANGED, None) in heard.seen, grow)
                    return
            raise AssertionError("every session landed on the listener's replica")

    anyio.run(main)
