"""`mcpmint import` of the reference server `@modelcontextprotocol/server-everything`
(npm, pinned in tests/conformance/package.json, run by the pinned Node 22) over stdio:
the regenerated server lists the same tools, resources, templates and prompts, every
page read by the SDK's client, and so does a server with a thousand resources."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from mcpmint import check, generate
from mcpmint.importer import import_spec

pytestmark = pytest.mark.timeout(120)

CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance"
NODE = CONFORMANCE / "node_modules" / "node" / "bin" / "node"
EVERYTHING = CONFORMANCE / "node_modules/@modelcontextprotocol/server-everything"
WIRE: dict[str, Any] = {"mode": "json", "by_alias": True, "exclude_none": True}


def everything_command() -> str:
    """The pinned server-everything's stdio command; fails (not skips) if missing."""
    pinned = json.loads((CONFORMANCE / "package.json").read_text(encoding="utf-8"))
    version = pinned["devDependencies"]["@modelcontextprotocol/server-everything"]
    manifest = EVERYTHING / "package.json"
    if not NODE.is_file() or not manifest.is_file():
        pytest.fail("run `npm ci --prefix tests/conformance` first", pytrace=False)
    installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    assert installed == version, "run `npm ci --prefix tests/conformance`"
    return f"{NODE} {EVERYTHING / 'dist' / 'index.js'} stdio"


def served(target: Any, mode: str = "legacy") -> dict[str, Any]:
    """Capabilities and every page of every list a server serves, as JSON."""

    async def pages(method: Any, key: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page = await method(cursor=cursor)
            found += [item.model_dump(**WIRE) for item in getattr(page, key)]
            if (cursor := page.next_cursor) is None:
                return found

    async def read() -> dict[str, Any]:
        async with Client(target, mode=mode) as client:
            assert (capabilities := client.server_capabilities) is not None
            found = {"capabilities": capabilities.model_dump(**WIRE)}
            found["protocol"] = client.protocol_version
            if capabilities.tools is not None:
                found["tools"] = await pages(client.list_tools, "tools")
            if capabilities.resources is not None:
                found["resources"] = await pages(client.list_resources, "resources")
                found["templates"] = await pages(
                    client.list_resource_templates, "resource_templates"
                )
            if capabilities.prompts is not None:
                found["prompts"] = await pages(client.list_prompts, "prompts")
            return found

    return anyio.run(read)


def regenerated(
    spec: Path, out: Path, package: str, mode: str = "legacy"
) -> dict[str, Any]:
    """What the server generated from `spec` into `out` serves over stdio."""
    if not out.exists():
        generate(spec, out)
        assert check(spec, out) == []
    env = {**os.environ, "PYTHONPATH": str(out)}
    argv = ["-m", package, "stdio"]
    target = StdioServerParameters(command=sys.executable, args=argv, env=env)
    return served(target, mode)


def test_server_everything_imported_and_regenerated_lists_the_same(
    tmp_path: Path,
) -> None:
    command = everything_command()
    spec = tmp_path / "everything.yaml"
    report = import_spec(command, spec, timeout=60)
    assert report.summary().startswith(
        f"wrote {spec}: 13 tool(s), 7 resource(s), 2 resource template(s),"
        " 4 prompt(s) from"
    )
    old = served(StdioServerParameters(command=str(NODE), args=command.split()[1:]))
    new = regenerated(spec, tmp_path / "out", report.package or "")

    assert new["protocol"] == old["protocol"] == "2025-11-25"
    for key in ("tools", "resources", "templates", "prompts"):
        assert new[key] == old[key], key
    assert {t["name"] for t in new["tools"] if "outputSchema" in t} == {
        "get-structured-content"
    }
    assert any(p.get("arguments") for p in new["prompts"])
    # What a spec cannot say: change notifications, subscriptions and tasks are the
    # reference server's own code; the generated server says it does not send them.
    old_caps, new_caps = old["capabilities"], new["capabilities"]
    assert old_caps.pop("tasks") and "tasks" not in new_caps
    for key, flags in (("tools", ["listChanged"]), ("prompts", ["listChanged"]),
                       ("resources", ["listChanged", "subscribe"])):  # fmt: skip
        for flag in flags:
            assert old_caps[key].pop(flag) is True
            assert new_caps[key].pop(flag) is False
    assert new_caps == old_caps

    # The reference server speaks 2025-11-25 at most; the regenerated one also speaks
    # 2026-07-28, whose Tool has no `execution` (tasks left the revision): the SDK
    # leaves it out there, and the rest is the same.
    newest = regenerated(spec, tmp_path / "out", report.package or "", mode="auto")
    assert newest["protocol"] == "2026-07-28"
    assert newest["tools"] == [
        {k: v for k, v in tool.items() if k != "execution"} for tool in old["tools"]
    ]
    for key in ("resources", "templates", "prompts"):
        assert newest[key] == old[key], key


# A low-level SDK server: a thousand resources and 150 templates, 100 to a page.
LONG_LISTS = """import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

RESOURCES = [
    types.Resource(uri=f"long://r/{i}", name=f"Resource {i}", mime_type="text/plain",
                   size=i, description=f"Number {i}.")
    for i in range(1000)
]
TEMPLATES = [
    types.ResourceTemplate(uri_template=f"long://t{i}/{{id}}", name=f"Template {i}")
    for i in range(150)
]


def page(items, params):
    start = int(params.cursor) if params is not None and params.cursor else 0
    return items[start : start + 100], (
        str(start + 100) if start + 100 < len(items) else None
    )


async def on_list_tools(ctx, params):
    return types.ListToolsResult(tools=[
        types.Tool(name="noop", description="Nothing.", input_schema={"type": "object"})
    ])


async def on_list_resources(ctx, params):
    items, more = page(RESOURCES, params)
    return types.ListResourcesResult(resources=items, next_cursor=more)


async def on_list_resource_templates(ctx, params):
    items, more = page(TEMPLATES, params)
    return types.ListResourceTemplatesResult(resource_templates=items, next_cursor=more)


async def main():
    server = Server(
        "long", version="1.0.0", on_list_tools=on_list_tools,
        on_list_resources=on_list_resources,
        on_list_resource_templates=on_list_resource_templates,
    )
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())

anyio.run(main)
"""


def test_a_thousand_resources_in_pages_are_all_imported_and_served(
    tmp_path: Path,
) -> None:
    script = tmp_path / "long.py"
    script.write_text(LONG_LISTS, encoding="utf-8")
    spec = tmp_path / "long.yaml"
    report = import_spec(f"{sys.executable} {script}", spec, timeout=60)
    assert report.summary().startswith(
        f"wrote {spec}: 1 tool(s), 1000 resource(s), 150 resource template(s) from"
    )
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert data["resources"][999]["uri"] == "long://r/999"
    old = served(StdioServerParameters(command=sys.executable, args=[str(script)]))
    new = regenerated(spec, tmp_path / "out", "long_server")
    assert len(new["resources"]) == 1000 and len(new["templates"]) == 150
    for key in ("tools", "resources", "templates"):
        assert new[key] == old[key], key
    assert "prompts" not in new
