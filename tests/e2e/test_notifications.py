"""Change notifications end to end: a generated server whose tools announce that a
resource or the tool list changed (`ctx.changes`), and whose lifespan hook starts a
task that announces a change every 0.1 s, run for real on stdio and on loopback
Streamable HTTP, and heard with the SDK client in both protocol eras.

Handshake era: `resources/subscribe` per session, `notifications/resources/updated`
only to the sessions that subscribed, `notifications/tools/list_changed` to every
session. 2026-07-28: `subscriptions/listen`, acknowledged first, every frame tagged
with the subscription id, only the kinds the client asked for (driven by hand over
HTTP to see the frames, and through the SDK's `Client.listen`).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.server.subscriptions import ResourceUpdated, ToolsListChanged
from mcp.shared.exceptions import MCPDeprecationWarning

from generated_project import generate_project
from listening import wait_ready

pytestmark = pytest.mark.timeout(120)

PYTHON = sys.executable
PACKAGE = "watcher_server"
MODERN = "2026-07-28"
WATCHED, CLOCK = "x://watched", "x://clock"
SPEC = """\
mcpmint: 1
server: {name: watcher, version: 1.0.0}
transports: [stdio, http]
tools:
  - name: touch
    description: Announces that x://watched changed.
    inputSchema: {type: object}
  - name: grow
    description: Announces that the tool list changed.
    inputSchema: {type: object}
resources:
  - {uri: "x://watched", name: watched, text: watched}
  - {uri: "x://clock", name: clock, text: ticks every 0.1 s}
notifications:
  tools: {listChanged: true}
  resources: {subscribe: true}
"""
HANDLERS = {
    "touch": 'await ctx.changes.resource_updated("x://watched")',
    "grow": 'await ctx.changes.list_changed("tools")',
}
HANDLER = """\
from __future__ import annotations

from ..context import Context
from ..models import {model}


async def {name}(args: {model}, ctx: Context) -> str:
    {body}
    return "announced"
"""
LIFESPAN = """\
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
from mcpmint_runtime.changes import current_changes

from .settings import Settings


@dataclass
class State:
    ticks: int = 0


@asynccontextmanager
async def lifespan(settings: Settings) -> AsyncIterator[State]:
    state = State()
    changes = current_changes()

    async def tick() -> None:
        while True:
            await anyio.sleep(0.1)
            state.ticks += 1
            await changes.resource_updated("x://clock")

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(tick)
        yield state
        tasks.cancel_scope.cancel()
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("notifications")
    generate_project(root, SPEC)
    package = root / "out" / PACKAGE
    for name, body in HANDLERS.items():
        model = name.capitalize() + "Input"
        text = HANDLER.format(name=name, model=model, body=body)
        (package / "handlers" / f"{name}.py").write_text(text, encoding="utf-8")
    (package / "lifespan.py").write_text(LIFESPAN, encoding="utf-8")
    return root / "out"


def env_for(project: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
    return {**env, "PYTHONPATH": os.pathsep.join([str(project), *sys.path])}


class Heard:
    """The change notifications a handshake-era client received."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []

    async def __call__(self, message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            self.seen.append((message.method, message.params.uri))
        elif isinstance(message, types.ToolListChangedNotification):
            self.seen.append((message.method, None))

    def has(self, method: str, uri: str | None = None) -> bool:
        return (method, uri) in self.seen


UPDATED = "notifications/resources/updated"
TOOLS_CHANGED = "notifications/tools/list_changed"

Connect = Callable[..., Client]


async def until(check: Callable[[], bool], act: Any = None) -> None:
    """Repeat `act` (a coroutine function) until `check` holds, for up to 5 s: an
    HTTP session's standalone stream opens just after the handshake."""
    with anyio.fail_after(5):
        while not check():
            if act is not None:
                await act()
            await anyio.sleep(0.1)


def legacy(connect: Connect, heard: Heard) -> Client:
    return connect(mode="legacy", message_handler=heard)


async def subscribe(client: Client, uri: str, *, off: bool = False) -> None:
    with warnings.catch_warnings():  # the SDK client's own deprecation notice
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        if off:
            await client.unsubscribe_resource(uri)
        else:
            await client.subscribe_resource(uri)


async def handshake_one_session(connect: Connect) -> None:
    heard = Heard()
    async with legacy(connect, heard) as client:
        caps = client.server_capabilities
        assert caps.resources is not None and caps.resources.subscribe is True
        assert caps.tools is not None and caps.tools.list_changed is True
        assert caps.resources.list_changed is False  # not declared in the spec
        await client.call_tool("touch", {})
        await subscribe(client, WATCHED)
        await until(lambda: heard.has(UPDATED, WATCHED), lambda: touch(client))
        await until(lambda: heard.has(TOOLS_CHANGED), lambda: grow(client))
        await subscribe(client, WATCHED, off=True)
        heard.seen.clear()
        await client.call_tool("touch", {})
        await anyio.sleep(0.3)
        assert not heard.has(UPDATED, WATCHED)
        assert not heard.has(UPDATED, CLOCK)  # never subscribed


async def touch(client: Client) -> None:
    await client.call_tool("touch", {})


async def grow(client: Client) -> None:
    await client.call_tool("grow", {})


async def modern_listen(connect: Connect) -> None:
    async with connect() as client:
        assert client.protocol_version == MODERN
        caps = client.server_capabilities
        assert caps.resources is not None and caps.resources.subscribe is True
        # The SDK turns every flag on once subscriptions/listen is served.
        assert caps.resources.list_changed is True
        async with client.listen(resource_subscriptions=[WATCHED]) as only_watched:
            assert only_watched.honored.resource_subscriptions == [WATCHED]
            assert only_watched.honored.tools_list_changed is None
            await client.call_tool("grow", {})
            await client.call_tool("touch", {})
            with anyio.fail_after(5):
                event = await only_watched.__anext__()
            assert event == ResourceUpdated(uri=WATCHED)  # not the tool list change
        async with client.listen(tools_list_changed=True) as tools:
            await client.call_tool("grow", {})
            with anyio.fail_after(5):
                assert await tools.__anext__() == ToolsListChanged()
        # Published by the lifespan's task, outside any request.
        async with client.listen(resource_subscriptions=[CLOCK]) as clock:
            with anyio.fail_after(5):
                assert await clock.__anext__() == ResourceUpdated(uri=CLOCK)


@pytest.mark.parametrize("era", ["handshake", MODERN])
def test_notifications_over_stdio(project: Path, tmp_path: Path, era: str) -> None:
    params = StdioServerParameters(
        command=PYTHON, args=["-m", PACKAGE, "stdio"], env=env_for(project)
    )

    async def main() -> None:
        with (tmp_path / "stderr.log").open("w") as errlog:

            def connect(**kw: Any) -> Client:
                return Client(stdio_client(params, errlog=errlog), **kw)

            await (handshake_one_session if era == "handshake" else modern_listen)(
                connect
            )

    anyio.run(main)


@contextmanager
def serve(project: Path) -> Iterator[str]:
    """The server on loopback HTTP: its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    stderr = project.parent / f"http-{port}.log"
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [PYTHON, "-m", PACKAGE, "http", "--port", str(port)],
            env=env_for(project),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_ready(proc, port, lambda: stderr.read_text(errors="replace"), 30)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture(scope="module")
def url(project: Path) -> Iterator[str]:
    with serve(project) as served:
        yield served


@pytest.mark.parametrize("era", ["handshake", MODERN])
def test_notifications_over_http(url: str, era: str) -> None:
    def connect(**kw: Any) -> Client:
        return Client(url, **kw)

    anyio.run(handshake_one_session if era == "handshake" else modern_listen, connect)


def test_only_subscribed_sessions_hear_of_an_update_and_all_of_a_list_change(
    url: str,
) -> None:
    """Two handshake-era HTTP sessions: the one that did not subscribe hears the
    tool list change but no resource update, even for its own call."""

    async def main() -> None:
        fan, other = Heard(), Heard()
        async with (
            Client(url, mode="legacy", message_handler=fan) as first,
            Client(url, mode="legacy", message_handler=other) as second,
        ):
            await subscribe(first, WATCHED)
            await until(lambda: fan.has(UPDATED, WATCHED), lambda: touch(second))
            await until(
                lambda: fan.has(TOOLS_CHANGED) and other.has(TOOLS_CHANGED),
                lambda: grow(second),
            )
            assert not other.has(UPDATED, WATCHED)
            # The lifespan's task reaches a subscribed handshake session too.
            await subscribe(second, CLOCK)
            await until(lambda: other.has(UPDATED, CLOCK))
            assert not fan.has(UPDATED, CLOCK)

    anyio.run(main)


HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
    "MCP-Protocol-Version": MODERN,
}
META = {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {},
}


@asynccontextmanager
async def frames(
    http: httpx2.AsyncClient, url: str, rpc_id: int, notifications: dict[str, Any]
) -> AsyncIterator[Any]:
    """The JSON-RPC messages of one `subscriptions/listen` stream, as they come."""
    params = {"_meta": META, "notifications": notifications}
    body = {"jsonrpc": "2.0", "id": rpc_id, "method": "subscriptions/listen"}
    headers = {**HEADERS, "Mcp-Method": "subscriptions/listen"}
    async with http.stream(
        "POST", url, json={**body, "params": params}, headers=headers
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")

        async def messages() -> AsyncIterator[dict[str, Any]]:
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    yield json.loads(line[5:])

        yield messages()


async def call(http: httpx2.AsyncClient, url: str, name: str) -> None:
    params = {"name": name, "arguments": {}, "_meta": META}
    body = {"jsonrpc": "2.0", "id": 99, "method": "tools/call", "params": params}
    headers = {**HEADERS, "Mcp-Method": "tools/call", "Mcp-Name": name}
    response = await http.post(url, json=body, headers=headers)
    assert response.status_code == 200, response.text


def test_a_listen_stream_is_acknowledged_first_tagged_and_filtered(url: str) -> None:
    async def main() -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        async with (
            httpx2.AsyncClient(timeout=10) as http,
            frames(http, url, 41, {"resourceSubscriptions": [WATCHED]}) as stream,
        ):
            with anyio.fail_after(10):
                seen.append(await stream.__anext__())
                await call(http, url, "grow")  # not asked for
                await call(http, url, "touch")
                seen.append(await stream.__anext__())
        return seen

    ack, update = anyio.run(main)
    tag = {"io.modelcontextprotocol/subscriptionId": 41}
    assert ack == {
        "jsonrpc": "2.0",
        "method": "notifications/subscriptions/acknowledged",
        "params": {"_meta": tag, "notifications": {"resourceSubscriptions": [WATCHED]}},
    }
    assert update == {
        "jsonrpc": "2.0",
        "method": UPDATED,
        "params": {"_meta": tag, "uri": WATCHED},
    }


@pytest.mark.parametrize("era", ["legacy", "auto"])
@pytest.mark.parametrize("road", ["stdio", "http"])
def test_the_typed_client_hears_changes_in_both_eras(
    project: Path, url: str, road: str, era: str
) -> None:
    """`changes()`: the same events from `resources/subscribe` and the session's
    notifications (handshake era) and from `subscriptions/listen` (2026-07-28)."""
    if str(project) not in sys.path:
        sys.path.insert(0, str(project))
    from watcher_server.client import WatcherClient

    target = url if road == "http" else f"{PYTHON} -m {PACKAGE} stdio"

    async def main() -> list[object]:
        seen: list[object] = []
        async with WatcherClient.connect(
            target, mode=era, env=env_for(project), timeout=30
        ) as c:
            assert (c.client.protocol_version == MODERN) is (era == "auto")
            async with c.changes(resource_uris=[WATCHED]) as events:
                await c.grow()  # not asked for: never seen
                seen.append(await first(events, c.touch))
            async with c.changes(tools_list_changed=True) as events:
                seen.append(await first(events, c.grow))
        return seen

    assert anyio.run(main) == [ResourceUpdated(uri=WATCHED), ToolsListChanged()]


async def first(events: Any, act: Any) -> object:
    """The first event, calling `act` until one comes (for up to 5 s): a handshake-era
    HTTP session's standalone stream opens just after the handshake, and what is
    announced before it is open is not delivered."""
    with anyio.fail_after(5):
        while True:
            await act()
            with anyio.move_on_after(0.5):
                return await events.__anext__()
