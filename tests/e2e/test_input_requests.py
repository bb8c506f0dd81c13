"""Input requests end to end: a tool, a prompt and a resource whose handlers ask the
user (`ctx.elicit`), the client's model (`ctx.sample`) and its roots
(`ctx.list_roots`, `ctx.ask`), served for real on stdio and on loopback Streamable
HTTP, and called with the SDK client in both protocol eras.

Handshake era: each question is a server-to-client request answered by the
client's callbacks while the handler waits. 2026-07-28: the call ends with an
`input_required` result and a sealed `requestState`; the SDK client answers with
the same callbacks and retries, the handler runs again. The state is refused once
altered, or by a server holding another key; two servers sharing
`MCP_REQUEST_STATE_KEY` accept each other's. A client that did not declare a
capability is refused with -32021 (HTTP 400 in 2026-07-28).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

from generated_project import generate_project
from listening import wait_ready

pytestmark = pytest.mark.timeout(120)

PYTHON = sys.executable
PACKAGE = "asker_server"
MODERN = "2026-07-28"
KEY = "k" * 20 + "e2e-shared-secret-0123456789"  # 48 bytes
SPEC = """\
mcpmint: 1
server: {name: asker, version: 1.0.0}
transports: [stdio, http]
tools:
  - name: plan_trip
    description: Asks the user's name, then the model and the roots together.
    inputSchema: {type: object}
prompts:
  - name: briefing
    description: Asks the user what to focus on.
    handler: true
resources:
  - uri: asker://secret
    name: secret
    description: Asks the user to confirm before it is read.
    handler: true
"""
TOOL = """\
from __future__ import annotations

from mcpmint_runtime import ListRoots, Sample
from pydantic import BaseModel

from ..context import Context
from ..models import PlanTripInput


class Name(BaseModel):
    name: str


async def plan_trip(args: PlanTripInput, ctx: Context) -> str:
    ctx.carry["runs"] = ctx.carry.get("runs", 0) + 1
    who = await ctx.elicit("Your name?", Name)
    city, roots = await ctx.ask(
        Sample(["Pick a city"], max_tokens=20), ListRoots()
    )
    name = who.data.name if who.data else who.action
    runs = ctx.carry["runs"]
    return f"{name} goes to {city.content.text} ({len(roots)} root), runs={runs}"
"""
PROMPT = """\
from __future__ import annotations

from ..context import Context
from ..models import PromptBriefingArguments


async def prompt_briefing(args: PromptBriefingArguments, ctx: Context) -> str:
    schema = {"type": "object", "properties": {"focus": {"type": "string"}},
              "required": ["focus"]}
    answer = await ctx.elicit("What to focus on?", schema)
    return f"Brief me on {answer.data['focus'] if answer.data else 'anything'}"
"""
RESOURCE = """\
from __future__ import annotations

from ..context import Context


async def read_secret(ctx: Context) -> str:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    answer = await ctx.elicit("Read the secret?", schema, key="confirm")
    return "the secret" if answer.data and answer.data.get("ok") else "refused"
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("input-requests")
    generate_project(root, SPEC)
    handlers = root / "out" / PACKAGE / "handlers"
    (handlers / "plan_trip.py").write_text(TOOL, encoding="utf-8")
    (handlers / "prompt_briefing.py").write_text(PROMPT, encoding="utf-8")
    (handlers / "read_secret.py").write_text(RESOURCE, encoding="utf-8")
    return root / "out"


def env_for(project: Path, key: str | None = KEY) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
    env["PYTHONPATH"] = os.pathsep.join([str(project), *sys.path])
    return {**env, "MCP_REQUEST_STATE_KEY": key} if key else env


class Answers:
    """The client's side: answers every question, and notes which it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def elicit(self, context: Any, params: Any) -> types.ElicitResult:
        self.asked.append(f"elicitation: {params.message}")
        content: dict[str, Any] = {"Your name?": {"name": "Ada"}}.get(
            params.message, {"focus": "costs", "ok": True}
        )
        return types.ElicitResult(action="accept", content=content)

    async def sample(self, context: Any, params: Any) -> types.CreateMessageResult:
        self.asked.append("sampling")
        text = types.TextContent(type="text", text="Lisbon")
        return types.CreateMessageResult(role="assistant", content=text, model="m")

    async def roots(self, context: Any) -> types.ListRootsResult:
        self.asked.append("roots")
        return types.ListRootsResult(roots=[types.Root(uri="file:///trips")])

    def client(self, target: Any, **kw: Any) -> Client:
        return Client(
            target,
            elicitation_callback=self.elicit,
            sampling_callback=self.sample,
            list_roots_callback=self.roots,
            **kw,
        )


async def ask_everything(connect: Any, era: str) -> None:
    """The tool, the prompt and the resource, each answered through the callbacks."""
    answers = Answers()
    mode = {"mode": "legacy"} if era == "handshake" else {}
    async with connect(answers, **mode) as client:
        assert (client.protocol_version == MODERN) == (era == MODERN)
        result = await client.call_tool("plan_trip", {})
        runs = 3 if era == MODERN else 1  # one run per round in 2026-07-28
        text = f"Ada goes to Lisbon (1 root), runs={runs}"
        assert result.content == [types.TextContent(type="text", text=text)]
        prompt = await client.get_prompt("briefing")
        assert prompt.messages[0].content == types.TextContent(
            type="text", text="Brief me on costs"
        )
        read = await client.read_resource("asker://secret")
        assert getattr(read.contents[0], "text", None) == "the secret"
    assert sorted(answers.asked) == sorted(
        [
            "elicitation: Your name?",
            "sampling",
            "roots",
            "elicitation: What to focus on?",
            "elicitation: Read the secret?",
        ]
    )
    async with Client(connect.target(), **mode) as bare:  # declares no capability
        with pytest.raises(MCPError) as refused:
            await bare.call_tool("plan_trip", {})
        assert refused.value.error.code == types.MISSING_REQUIRED_CLIENT_CAPABILITY
        assert refused.value.error.message == (
            "The client did not declare the elicitation capability tool "
            "'plan_trip' needs"
        )
        assert refused.value.error.data == {
            "requiredCapabilities": {"elicitation": {"form": {}}}
        }


class Connect:
    """`connect(answers, **kw)`: a client with the answers' callbacks, of a new
    transport from `target()`."""

    def __init__(self, target: Any) -> None:
        self.target = target

    def __call__(self, answers: Answers, **kw: Any) -> Client:
        return answers.client(self.target(), **kw)


@pytest.mark.parametrize("era", ["handshake", MODERN])
def test_input_requests_over_stdio(project: Path, era: str) -> None:
    params = StdioServerParameters(
        command=PYTHON, args=["-m", PACKAGE, "stdio"], env=env_for(project)
    )
    with open(os.devnull, "w") as errlog:
        connect = Connect(lambda: stdio_client(params, errlog=errlog))
        anyio.run(ask_everything, connect, era)


@contextmanager
def serve(project: Path, key: str | None) -> Iterator[tuple[str, Path]]:
    """The server on loopback HTTP: its URL and its stderr's file."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    stderr = project.parent / f"http-{port}.log"
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [
                PYTHON,
                "-m",
                PACKAGE,
                "http",
                "--port",
                str(port),
                "--log-level",
                "debug",
            ],
            env=env_for(project, key),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_ready(proc, port, lambda: stderr.read_text(errors="replace"), 30)
        yield f"http://127.0.0.1:{port}/mcp", stderr
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture(scope="module")
def servers(project: Path) -> Iterator[list[tuple[str, Path]]]:
    """Two servers sharing MCP_REQUEST_STATE_KEY, and one with a key of its own."""
    with ExitStack() as stack:
        yield [stack.enter_context(serve(project, k)) for k in (KEY, KEY, None)]


@pytest.mark.parametrize("era", ["handshake", MODERN])
def test_input_requests_over_http(servers: list[tuple[str, Path]], era: str) -> None:
    url = servers[0][0]
    anyio.run(ask_everything, Connect(lambda: url), era)


def test_the_state_is_sealed(servers: list[tuple[str, Path]]) -> None:
    """Round 1 on one server; the retry is taken by a server with the same key,
    refused altered, and refused by a server with another key. The key is never
    logged."""
    (first, first_log), (twin, twin_log), (other, other_log) = servers
    answer = {
        "elicitation-1": types.ElicitResult(action="accept", content={"name": "Ada"})
    }

    async def retry(url: str, state: str) -> Any:
        """The retry's result, or the error it got."""
        async with Answers().client(url) as client:
            try:
                return await client.session.call_tool(
                    "plan_trip",
                    {},
                    input_responses=dict(answer),
                    request_state=state,
                    allow_input_required=True,
                )
            except MCPError as exc:
                return exc

    async def main() -> None:
        async with Answers().client(first) as client:
            opened = await client.session.call_tool(
                "plan_trip", {}, allow_input_required=True
            )
        assert isinstance(opened, types.InputRequiredResult)
        assert list(opened.input_requests or {}) == ["elicitation-1"]
        state = opened.request_state
        assert state is not None and state.startswith("v1.")
        assert "Ada" not in state and "runs" not in state  # sealed, not readable
        # The twin shares the key: it takes the answer and asks round 2.
        second = await retry(twin, state)
        assert isinstance(second, types.InputRequiredResult), second
        assert sorted(second.input_requests or {}) == ["roots-1", "sampling-1"]
        for url, token in [(first, state[:-4] + "AAAA"), (other, state)]:
            refused = await retry(url, token)
            assert isinstance(refused, MCPError), refused
            assert refused.error.code == types.INVALID_PARAMS
            assert refused.error.message == "Invalid or expired requestState"

    anyio.run(main)
    for log in (first_log, twin_log, other_log):
        assert KEY not in log.read_text(errors="replace")
    assert "requestState rejected on tools/call" in other_log.read_text()


def post(url: str, params: dict[str, Any], caps: dict[str, Any]) -> Any:
    """A 2026-07-28 tools/call of plan_trip, by hand: (HTTP status, JSON-RPC body)."""
    meta = {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": caps,
    }
    params = {"name": "plan_trip", "arguments": {}, **params, "_meta": meta}
    body = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params}
    headers = {
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": MODERN,
        "Mcp-Method": "tools/call",
        "Mcp-Name": "plan_trip",
    }
    response = httpx2.post(url, json=body, headers=headers, timeout=10)
    text = response.text
    if response.headers["content-type"].startswith("text/event-stream"):
        text = [line[5:] for line in text.splitlines() if line.startswith("data:")][-1]
    return response.status_code, json.loads(text)


def test_refusals_are_http_400(servers: list[tuple[str, Path]]) -> None:
    url = servers[0][0]
    status, body = post(url, {}, {"sampling": {}})
    assert status == 400
    assert body["error"]["code"] == -32021
    required = {"elicitation": {"form": {}}}
    assert body["error"]["data"] == {"requiredCapabilities": required}
    everything = {"elicitation": {}, "sampling": {}, "roots": {}}
    status, body = post(url, {}, everything)
    assert status == 200
    assert body["result"]["resultType"] == "input_required"
    # An answer to a question not asked is ignored: the name is asked again.
    stray = {"inputResponses": {"wrong_key": {"action": "accept", "content": {}}}}
    status, again = post(url, stray, everything)
    assert status == 200
    assert list(again["result"]["inputRequests"]) == ["elicitation-1"]
    state = body["result"]["requestState"] + "-TAMPERED"
    status, body = post(url, {"requestState": state}, everything)
    assert status == 400
    assert body["error"] == {
        "code": -32602,
        "message": "Invalid or expired requestState",
        "data": {"reason": "invalid_request_state"},
    }


def test_a_short_key_stops_the_server(project: Path) -> None:
    ran = subprocess.run(
        [PYTHON, "-m", PACKAGE, "stdio"],
        env=env_for(project, "too-short"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 2
    assert ran.stderr == (
        f"{PACKAGE}: error: MCP_REQUEST_STATE_KEY: key 1 is 9 bytes, at least 32 "
        'are needed (make one with: python -c "import secrets; '
        'print(secrets.token_hex(32))")\n'
    )
