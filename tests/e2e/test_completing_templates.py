"""Completions of resource template variables, end to end: a spec without prompts
generated, its completion handler written, the server started for real over stdio,
and completion/complete called with a `ref/resource` through the SDK client in both
protocol eras and through the typed client's `complete_read_<template>`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

pytestmark = pytest.mark.timeout(180)

PYTHON = sys.executable
SPEC = """\
mcpmint: 1
server: {name: shelf, version: 1.0.0}
tools:
  - name: ping
    description: Answers pong.
    inputSchema: {type: object}
resourceTemplates:
  - uriTemplate: "shelf://{kind}/{title}"
    name: item
    variables:
      kind: {type: string, enum: [book, film, music]}
      title: {type: string}
    complete:
      title: {handler: true}
  - uriTemplate: "tag://{tag}"
    name: tag
    variables:
      tag: {type: string}
    complete:
      tag: {values: [alpha, Alpine, beta]}
  - uriTemplate: "plain://{id}"
    name: plain
    variables:
      id: {type: integer}
"""
COMPLETE = """\
from __future__ import annotations

from ..context import Context


async def complete_read_item(
    variable: str, value: str, arguments: dict[str, str], ctx: Context
) -> list[str]:
    kind = arguments.get("kind", "any")
    return [f"{variable}:{kind}:{value}{n}" for n in range(150)]
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template_completion")
    (root / "spec.yaml").write_text(SPEC, encoding="utf-8")
    made = mint("generate", "spec.yaml", "-o", "out", cwd=root)
    assert made.returncode == 0, made.stderr
    assert "created  shelf_server/handlers/complete_read_item.py" in made.stdout
    stubs = mint("check", "spec.yaml", "-o", "out", "--fail-on-stubs", cwd=root)
    assert "stub: shelf_server/handlers/complete_read_item.py" in stubs.stdout
    handler = root / "out" / "shelf_server" / "handlers" / "complete_read_item.py"
    handler.write_text(COMPLETE, encoding="utf-8")
    return root / "out"


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
    seen: dict[str, Any] = {}

    async def complete(
        uri: str, name: str, value: str, context: dict[str, str] | None = None
    ) -> types.Completion:
        ref = types.ResourceTemplateReference(type="ref/resource", uri=uri)
        done = await client.complete(ref, {"name": name, "value": value}, context)
        return done.completion

    seen["capability"] = client.server_capabilities is not None and (
        client.server_capabilities.completions is not None
    )
    seen["kind"] = await complete("shelf://{kind}/{title}", "kind", "B")
    seen["title"] = await complete(
        "shelf://{kind}/{title}", "title", "du", {"kind": "film"}
    )
    seen["tag"] = await complete("tag://{tag}", "tag", "al")
    seen["plain"] = await complete("plain://{id}", "id", "1")
    with pytest.raises(MCPError) as unknown:
        await complete("nope://{x}", "x", "")
    seen["unknown"] = (unknown.value.error.code, unknown.value.error.message)
    return seen


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_template_variables_are_completed_over_stdio(project: Path, mode: str) -> None:
    server = StdioServerParameters(
        command=PYTHON, args=["-m", "shelf_server", "stdio"], env=env_for(project)
    )

    async def main() -> dict[str, Any]:
        async with Client(server, mode=mode) as client:
            return await exercise(client)

    seen = anyio.run(main)
    assert seen["capability"]
    assert (seen["kind"].values, seen["kind"].total) == (["book"], 1)
    title = seen["title"]
    assert (len(title.values), title.total, title.has_more) == (100, 150, True)
    assert title.values[:2] == ["title:film:du0", "title:film:du1"]
    assert seen["tag"].values == ["alpha", "Alpine"]  # the prefix, ignoring case
    assert (seen["plain"].values, seen["plain"].has_more) == ([], False)
    assert seen["unknown"] == (
        types.INVALID_PARAMS,
        "Unknown resource template: nope://{x}",
    )


def test_the_typed_client_completes_each_template(project: Path) -> None:
    code = """
import anyio, sys
from shelf_server.client import ShelfClient

async def main():
    command = f"{sys.executable} -m shelf_server stdio"
    async with ShelfClient.connect(command) as c:
        print(await c.complete_read_item("kind", "m"))
        print(len(await c.complete_read_item("title", "x", {"kind": "book"})))
        print((await c.complete_read_item("title", "x", {"kind": "book"}))[0])
        print(await c.complete_read_tag("tag", "b"))
        print(hasattr(c, "complete_read_plain"))

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
        "['music']",
        "100",
        "title:book:x0",
        "['beta']",
        "False",  # no candidates, no method
    ]
