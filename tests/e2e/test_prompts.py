"""Prompts and completions, end to end: a spec generated, its handlers written, the
server started for real over stdio and Streamable HTTP, and prompts/list,
prompts/get and completion/complete called through the SDK client in both protocol
eras (2026-07-28 via `server/discover`, and the 2025-11-25 handshake) and through
the typed client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

from listening import wait_ready

PYTHON = sys.executable
SPEC = """\
mcpmint: 1
server: {name: promptly, version: 1.0.0}
transports: [stdio, http]
tools:
  - name: echo
    description: Echo.
    inputSchema: {type: object, properties: {text: {type: string}}}
prompts:
  - name: greet
    description: Greets someone.
    arguments:
      - {name: who, required: true, complete: {values: [Alice, Albert, Bob]}}
      - {name: style, schema: {enum: [formal, casual]}}
      - {name: times, schema: {type: integer, minimum: 1, maximum: 3}}
    messages:
      - role: user
        content: {type: text, text: "Greet {who} ({style}) x{times} {{sic}}"}
  - name: plan
    description: A plan built in code.
    handler: true
    arguments:
      - {name: topic, required: true, complete: {handler: true}}
      - {name: days, schema: {type: integer, minimum: 1}}
"""
PLAN = """\
from __future__ import annotations

from mcp_types import PromptMessage, TextContent

from ..context import Context
from ..models import PromptPlanArguments


async def prompt_plan(args: PromptPlanArguments, ctx: Context) -> list[PromptMessage]:
    days = args.days if isinstance(args.days, int) else 1
    text = f"Plan {args.topic} over {days} day(s), typed {type(days).__name__}"
    return [PromptMessage(role="user", content=TextContent(type="text", text=text))]
"""
COMPLETE = """\
from __future__ import annotations

from ..context import Context


async def complete_plan(
    argument: str, value: str, arguments: dict[str, str], ctx: Context
) -> list[str]:
    days = arguments.get("days", "?")
    return [f"{value}-{n}-{days}" for n in range(150)]
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prompts")
    (root / "spec.yaml").write_text(SPEC, encoding="utf-8")
    out = root / "out"
    made = mint("generate", "spec.yaml", "-o", "out", cwd=root)
    assert made.returncode == 0, made.stderr
    stubs = mint("check", "spec.yaml", "-o", "out", "--fail-on-stubs", cwd=root)
    assert "stub: promptly_server/handlers/prompt_plan.py" in stubs.stdout
    assert "stub: promptly_server/handlers/complete_plan.py" in stubs.stdout
    handlers = out / "promptly_server" / "handlers"
    (handlers / "prompt_plan.py").write_text(PLAN, encoding="utf-8")
    (handlers / "complete_plan.py").write_text(COMPLETE, encoding="utf-8")
    return out


def mint(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "mcpmint", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def env_for(project: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(project), *sys.path])}


async def exercise(client: Client) -> dict[str, Any]:
    """Every prompt call of the test, a bad one in the middle; what came back."""
    seen: dict[str, Any] = {}
    listed = await client.list_prompts()
    seen["names"] = [p.name for p in listed.prompts]
    greet = await client.get_prompt("greet", {"who": "{x}{{__class__}}", "times": "2"})
    seen["greet"] = greet.messages[0].content
    with pytest.raises(MCPError) as bad:
        await client.get_prompt("greet", {"who": "A", "times": "9"})
    seen["bad"] = (bad.value.error.code, bad.value.error.message)
    with pytest.raises(MCPError) as unknown:
        await client.get_prompt("nope")
    seen["unknown"] = (unknown.value.error.code, unknown.value.error.message)
    plan = await client.get_prompt("plan", {"topic": "trip", "days": "3"})
    seen["plan"] = plan.messages[0].content
    ref = types.PromptReference(type="ref/prompt", name="greet")
    seen["who"] = (
        await client.complete(ref, {"name": "who", "value": "al"})
    ).completion
    seen["style"] = (
        await client.complete(ref, {"name": "style", "value": ""})
    ).completion
    ref = types.PromptReference(type="ref/prompt", name="plan")
    done = await client.complete(ref, {"name": "topic", "value": "ro"}, {"days": "4"})
    seen["topic"] = done.completion
    return seen


def check(seen: dict[str, Any]) -> None:
    assert seen["names"] == ["greet", "plan"]
    assert seen["greet"].text == "Greet {x}{{__class__}} () x2 {sic}"
    assert seen["bad"] == (
        types.INVALID_PARAMS,
        "Invalid arguments for prompt 'greet':\n"
        "- times: Input should be less than or equal to 3",
    )
    assert seen["unknown"] == (types.INVALID_PARAMS, "Unknown prompt: nope")
    assert seen["plan"].text == "Plan trip over 3 day(s), typed int"
    assert (seen["who"].values, seen["who"].total) == (["Alice", "Albert"], 2)
    assert seen["style"].values == ["formal", "casual"]
    topic = seen["topic"]
    assert (len(topic.values), topic.total, topic.has_more) == (100, 150, True)
    assert topic.values[0] == "ro-0-4"


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_prompts_and_completions_over_stdio(project: Path, mode: str) -> None:
    server = StdioServerParameters(
        command=PYTHON, args=["-m", "promptly_server", "stdio"], env=env_for(project)
    )

    async def main() -> dict[str, Any]:
        async with Client(server, mode=mode) as client:
            return await exercise(client)

    check(anyio.run(main))


@pytest.fixture(scope="module")
def http_url(project: Path) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = project.parent / "http.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [PYTHON, "-m", "promptly_server", "http", "--port", str(port)],
            env=env_for(project),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_ready(proc, port, lambda: log.read_text(errors="replace"), 20)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_prompts_and_completions_over_http(http_url: str, mode: str) -> None:
    async def main() -> dict[str, Any]:
        async with Client(http_url, mode=mode) as client:
            return await exercise(client)

    check(anyio.run(main))


def test_the_typed_client_has_a_method_per_prompt(project: Path, http_url: str) -> None:
    code = f"""
import anyio
from promptly_server.client import PromptlyClient

async def main():
    async with PromptlyClient.connect({http_url!r}) as c:
        greet = await c.prompt_greet(who="Ann", style="formal", times=3)
        plan = await c.prompt_plan(topic="sea")
        print(greet[0].content.text)
        print(plan[0].content.text)
        print(await c.complete_greet("who", "b"))
        print(len(await c.complete_plan("topic", "x", {{"days": "2"}})))
        try:
            await c.prompt_greet(who="Ann", times=0)
        except Exception as exc:
            print(type(exc).__name__)

anyio.run(main)
"""
    done = subprocess.run(
        [PYTHON, "-c", code],
        env=env_for(project),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Greet Ann (formal) x3 {sic}",
        "Plan sea over 1 day(s), typed int",
        "['Bob']",
        "100",
        "ValidationError",  # checked by the arguments model before sending
    ]


def test_a_removed_prompt_leaves_its_handlers_orphaned(
    project: Path, tmp_path: Path
) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(project, out)
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.split("  - name: plan")[0], encoding="utf-8")
    made = mint("generate", "spec.yaml", "-o", "out", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "orphaned  promptly_server/handlers/prompt_plan.py" in made.stdout
    assert "orphaned  promptly_server/handlers/complete_plan.py" in made.stdout
    assert (out / "promptly_server/handlers/prompt_plan.py").read_text() == PLAN


def test_a_prompt_whose_arguments_change_lists_its_handlers_for_review(
    project: Path, tmp_path: Path
) -> None:
    import shutil

    shutil.copytree(project, tmp_path / "out")
    changed = SPEC.replace(
        "{name: days, schema: {type: integer", "{name: days, schema: {type: number"
    )
    (tmp_path / "spec.yaml").write_text(changed, encoding="utf-8")
    made = mint("generate", "spec.yaml", "-o", "out", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (
        "review  promptly_server/handlers/prompt_plan.py (arguments changed)"
        in made.stdout
    )
    assert (
        "review  promptly_server/handlers/complete_plan.py (arguments changed)"
        in made.stdout
    )
    assert "greet" not in made.stdout
