"""2026-07-28 details end to end, on a generated server run for real on loopback
Streamable HTTP: the spec's caching hints on list and read results, parameters
mirrored into `Mcp-Param-*` headers (accepted when they match, refused when they
do not or are missing, sent by the typed client), `resultType` on every result, and
tools/list serving the spec's schema key for key in both eras.

Bad headers are sent with raw HTTP: the SDK client only ever sends good ones.
"""

from __future__ import annotations

import base64
import json
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
import yaml
from mcp import Client

from generated_project import generate_project
from listening import wait_ready

pytestmark = pytest.mark.timeout(120)

PYTHON = sys.executable
PACKAGE = "routed_server"
MODERN = "2026-07-28"
LEGACY = "2025-11-25"
SPEC = """\
mcpmint: 1
server: {name: routed, version: 1.0.0}
transports: [http]
cache:
  tools/list: {ttlMs: 60000, cacheScope: public}
  resources/list: {ttlMs: 1000}
  resources/read: {ttlMs: 5000}
  server/discover: {ttlMs: 30000, cacheScope: public}
tools:
  - name: route
    description: Says where a call goes; region and priority travel as headers too.
    inputSchema:
      type: object
      properties:
        region: {type: string, x-mcp-header: Region}
        priority: {type: integer, x-mcp-header: Priority}
        note: {type: string}
      required: [region]
      additionalProperties: false
resources:
  - uri: demo://plain
    name: plain
    text: plain text
  - uri: demo://logo
    name: logo
    text: a logo
    cache: {cacheScope: public}
resourceTemplates:
  - uriTemplate: demo://items/{id}
    name: item
    variables:
      id: {type: integer}
    cache: {ttlMs: 0}
"""
ROUTE = """\
from __future__ import annotations

from ..context import Context
from ..models import RouteInput


async def route(args: RouteInput, ctx: Context) -> str:
    given = args.model_dump(exclude_unset=True)
    return f"{given['region']}/{given.get('priority')}"
"""
ITEM = """\
from __future__ import annotations

from ..context import Context
from ..models import ItemVariables


async def read_item(args: ItemVariables, ctx: Context) -> str:
    return f"item {args.id}"
"""
HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hints")
    generate_project(root, SPEC)
    handlers = root / "out" / PACKAGE / "handlers"
    (handlers / "route.py").write_text(ROUTE, encoding="utf-8")
    (handlers / "read_item.py").write_text(ITEM, encoding="utf-8")
    return root / "out"


@pytest.fixture(scope="module")
def url(project: Path) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
    env["PYTHONPATH"] = os.pathsep.join([str(project), *sys.path])
    stderr = project.parent / "http.log"
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [PYTHON, "-m", PACKAGE, "http", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_ready(proc, port, lambda: stderr.read_text(errors="replace"), 30)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def modern(method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A 2026-07-28 request: the era and the client in `_meta`."""
    meta = {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "0"},
        "io.modelcontextprotocol/clientCapabilities": {},
    }
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": method,
        "params": {**(params or {}), "_meta": meta},
    }


def post(url: str, method: str, params: Any = None, **headers: str) -> httpx2.Response:
    """One 2026-07-28 exchange: the routing headers a client sends, plus `headers`."""
    sent = {**HEADERS, "MCP-Protocol-Version": MODERN, "Mcp-Method": method}
    if method == "tools/call":
        sent["Mcp-Name"] = params["name"]
    if method == "resources/read":
        sent["Mcp-Name"] = params["uri"]
    return httpx2.post(url, json=modern(method, params), headers={**sent, **headers})


def result(response: httpx2.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json() if "json" in response.headers["content-type"] else None
    if body is None:  # an event stream: its last data line
        data = [ln[5:] for ln in response.text.splitlines() if ln.startswith("data:")]
        body = json.loads(data[-1])
    assert "result" in body, body
    answer: dict[str, Any] = body["result"]
    return answer


def call(region: str, **arguments: Any) -> dict[str, Any]:
    return {"name": "route", "arguments": {"region": region, **arguments}}


def refused(response: httpx2.Response) -> str:
    """The HeaderMismatch refusal's message: HTTP 400, JSON-RPC -32020."""
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == -32020, error
    message: str = error["message"]
    return message


def test_lists_and_reads_carry_the_spec_s_hints(url: str) -> None:
    async def main() -> None:
        async with Client(url) as client:
            assert client.protocol_version == MODERN
            tools = await client.list_tools()
            assert (tools.ttl_ms, tools.cache_scope) == (60000, "public")
            listed = await client.list_resources()
            assert (listed.ttl_ms, listed.cache_scope) == (1000, "private")
            templates = await client.list_resource_templates()
            assert (templates.ttl_ms, templates.cache_scope) == (0, "private")
            reads = {
                uri: await client.read_resource(uri)
                for uri in ("demo://plain", "demo://logo", "demo://items/3")
            }
            hints = {uri: (r.ttl_ms, r.cache_scope) for uri, r in reads.items()}
            assert hints == {
                "demo://plain": (5000, "private"),  # cache.resources/read
                "demo://logo": (5000, "public"),  # its own scope, the read's ttl
                "demo://items/3": (0, "private"),  # the template's own ttl
            }

    anyio.run(main)


def test_every_2026_result_carries_its_result_type(url: str) -> None:
    requests: list[tuple[str, Any]] = [
        ("tools/list", None),
        ("tools/call", call("eu", priority=2)),
        ("resources/list", None),
        ("resources/templates/list", None),
        ("resources/read", {"uri": "demo://items/7"}),
        ("server/discover", None),
    ]
    for method, params in requests:
        headers = {"Mcp-Param-Region": "eu", "Mcp-Param-Priority": "2"}
        answer = result(post(url, method, params, **headers))
        assert answer["resultType"] == "complete", (method, answer)
        if method == "server/discover":
            assert (answer["ttlMs"], answer["cacheScope"]) == (30000, "public")


def test_the_handshake_era_sees_no_hints_and_no_result_type(url: str) -> None:
    answers = handshake_answers(url, ["tools/list", "resources/read"])
    for answer in answers:
        assert not {"ttlMs", "cacheScope", "resultType"} & set(answer), answer


def test_a_matching_header_is_accepted(url: str) -> None:
    plain = post(
        url, "tools/call", call("eu-west-1"), **{"Mcp-Param-Region": "eu-west-1"}
    )
    assert result(plain)["content"][0]["text"] == "eu-west-1/None"
    both = {"Mcp-Param-Region": "eu", "mcp-param-priority": "3"}
    assert result(post(url, "tools/call", call("eu", priority=3), **both))
    wrapped = "=?base64?" + base64.b64encode("Zürich".encode()).decode() + "?="
    answer = result(
        post(url, "tools/call", call("Zürich"), **{"Mcp-Param-Region": wrapped})
    )
    assert answer["content"][0]["text"] == "Zürich/None"


def test_a_header_that_does_not_match_is_refused(url: str) -> None:
    response = post(url, "tools/call", call("eu"), **{"Mcp-Param-Region": "us"})
    assert refused(response) == (
        "Mcp-Param-Region header does not match the request body's 'region' argument"
    )
    bad_base64 = {"Mcp-Param-Region": "=?base64?SGVs!!!bG8=?="}
    assert "malformed base64" in refused(
        post(url, "tools/call", call("eu"), **bad_base64)
    )


def test_a_missing_header_is_refused(url: str) -> None:
    assert refused(post(url, "tools/call", call("eu"))) == (
        "Mcp-Param-Region header is missing but the request body's 'region' "
        "argument is present"
    )
    extra = {"Mcp-Param-Region": "eu", "Mcp-Param-Priority": "1"}
    assert "argument is absent" in refused(post(url, "tools/call", call("eu"), **extra))


@pytest.mark.parametrize("check", [True, False])
def test_the_typed_client_sends_the_headers(
    project: Path, url: str, check: bool
) -> None:
    sys.path.insert(0, str(project))
    try:
        from routed_server.client import RoutedClient
    finally:
        sys.path.remove(str(project))

    # check=True lists the tools at connect; without it the SDK client's first call
    # is refused (-32020), and it lists the tools and sends the call again, headers on.
    async def main() -> str:
        async with RoutedClient.connect(url, check=check) as client:
            assert client.client.protocol_version == MODERN
            return await client.route(region="ap-south-1", priority=9)

    assert anyio.run(main) == "ap-south-1/9"


def test_tools_list_serves_the_spec_s_schema_key_for_key_in_both_eras(
    url: str,
) -> None:
    written = yaml.safe_load(SPEC)["tools"][0]["inputSchema"]
    modern_tool = result(post(url, "tools/list"))["tools"][0]
    [legacy] = handshake_answers(url, ["tools/list"])
    for tool in (modern_tool, legacy["tools"][0]):
        assert json.dumps(tool["inputSchema"]) == json.dumps(written)


def handshake_answers(url: str, methods: list[str]) -> list[dict[str, Any]]:
    """Results of `methods` in one handshake-era session (raw HTTP)."""
    params = {"resources/read": {"uri": "demo://plain"}}

    def exchange(client: httpx2.Client, body: Any, headers: dict[str, str]) -> Any:
        response = client.post(url, json=body, headers=headers)
        assert response.status_code in (200, 202), response.text
        return result(response) if "id" in body else None

    headers = {**HEADERS, "MCP-Protocol-Version": LEGACY}
    hello = {"protocolVersion": LEGACY, "capabilities": {}}
    hello["clientInfo"] = {"name": "test", "version": "0"}
    with httpx2.Client() as client:
        opened = client.post(
            url,
            json={"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": hello},
            headers=headers,
        )
        result(opened)
        headers["Mcp-Session-Id"] = opened.headers["mcp-session-id"]
        exchange(
            client, {"jsonrpc": "2.0", "method": "notifications/initialized"}, headers
        )
        return [
            exchange(
                client,
                {
                    "jsonrpc": "2.0",
                    "id": i + 1,
                    "method": m,
                    "params": params.get(m, {}),
                },
                headers,
            )
            for i, m in enumerate(methods)
        ]


def test_import_reads_header_mirrors_and_caching_hints(
    url: str, tmp_path: Path
) -> None:
    out = tmp_path / "imported.yaml"
    made = subprocess.run(
        [PYTHON, "-m", "mcpmint", "import", url, "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    imported = yaml.safe_load(out.read_text(encoding="utf-8"))
    properties = imported["tools"][0]["inputSchema"]["properties"]
    assert properties["region"]["x-mcp-header"] == "Region"
    assert properties["priority"]["x-mcp-header"] == "Priority"
    # The lists whose hints are not the default (ttlMs 0, private).
    assert imported["cache"] == {
        "tools/list": {"ttlMs": 60000, "cacheScope": "public"},
        "resources/list": {"ttlMs": 1000, "cacheScope": "private"},
    }
    checked = subprocess.run(
        [PYTHON, "-m", "mcpmint", "validate", str(out)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
