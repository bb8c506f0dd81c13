"""`mcpmint import` of a server with prompts: every page of prompts/list, then the
regenerated server lists the same prompts with the same arguments."""

from __future__ import annotations

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

# A low-level SDK server: one tool, five prompts two to a page.
PAGED_PROMPTS = """import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

PROMPTS = [
    types.Prompt(
        name="review",
        title="Code review",
        description="Review a piece of code.",
        arguments=[
            types.PromptArgument(name="code", description="The code", required=True),
            types.PromptArgument(name="language", required=False),
            types.PromptArgument(name="depth"),
        ],
    ),
    types.Prompt(name="plain"),
    *(types.Prompt(name=f"p{i}", description=f"Prompt {i}.") for i in range(3)),
]


async def on_list_tools(ctx, params):
    return types.ListToolsResult(
        tools=[types.Tool(name="noop", input_schema={"type": "object"})]
    )


async def on_list_prompts(ctx, params):
    start = int(params.cursor) if params is not None and params.cursor else 0
    more = str(start + 2) if start + 2 < len(PROMPTS) else None
    return types.ListPromptsResult(prompts=PROMPTS[start : start + 2], next_cursor=more)


async def on_get_prompt(ctx, params):
    text = f"{params.name}: {params.arguments}"
    return types.GetPromptResult(messages=[types.PromptMessage(
        role="user", content=types.TextContent(type="text", text=text))])


async def main():
    server = Server(
        "paged", version="0.2.0", on_list_tools=on_list_tools,
        on_list_prompts=on_list_prompts, on_get_prompt=on_get_prompt,
    )
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())

anyio.run(main)
"""


def listed(target: Any) -> list[dict[str, Any]]:
    """Every prompt a server lists (every page), as JSON."""

    async def read() -> list[dict[str, Any]]:
        async with Client(target, mode="legacy") as client:
            prompts, cursor = [], None
            while True:
                page = await client.list_prompts(cursor=cursor)
                prompts += [
                    p.model_dump(mode="json", by_alias=True) for p in page.prompts
                ]
                if (cursor := page.next_cursor) is None:
                    return prompts

    return anyio.run(read)


def test_import_reads_every_page_of_prompts_and_regenerates_them(
    tmp_path: Path,
) -> None:
    script = tmp_path / "paged.py"
    script.write_text(PAGED_PROMPTS, encoding="utf-8")
    spec = tmp_path / "paged.yaml"
    report = import_spec(f"{sys.executable} {script}", spec, timeout=60)
    assert report.summary().startswith(f"wrote {spec}: 1 tool(s), 5 prompt(s) from")
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert [p["name"] for p in data["prompts"]] == ["review", "plain", "p0", "p1", "p2"]
    assert data["prompts"][0] == {
        "name": "review",
        "title": "Code review",
        "description": "Review a piece of code.",
        "arguments": [
            {"name": "code", "description": "The code", "required": True},
            {"name": "language", "required": False},
            {"name": "depth"},
        ],
        "handler": True,  # messages are only known by calling prompts/get
    }

    out = tmp_path / "out"
    generate(spec, out)
    assert check(spec, out) == []
    old = listed(StdioServerParameters(command=sys.executable, args=[str(script)]))
    env = {**os.environ, "PYTHONPATH": str(out)}
    new = listed(
        StdioServerParameters(
            command=sys.executable, args=["-m", "paged_server", "stdio"], env=env
        )
    )
    # The one difference: an argument without `required` is listed `required: false`,
    # which MCP reads the same way.
    assert old[0]["arguments"][2]["required"] is None
    old[0]["arguments"][2]["required"] = False
    assert new == old
