"""Strict specs: the rules beyond the golden invalid cases (what must stay quiet, what a
hint makes work) and the output schema written as a `$ref` beside `type: object`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import anyio
from mcp import Client

from mcpmint import diagnose

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hardening"))
from generated_support import generated_package, write_spec  # noqa: E402

BOOKMARK = {
    "type": "object",
    "properties": {
        "url": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
    },
    "required": ["url"],
}


def _spec(tools: list[dict[str, Any]], defs: dict[str, Any] | None = None) -> Any:
    spec: dict[str, Any] = {"mcpmint": 1, "server": {"name": "s", "version": "1.0.0"}}
    if defs:
        spec["$defs"] = defs
    spec["tools"] = tools
    return spec


def _messages(tmp_path: Path, spec: Any) -> list[str]:
    _, found = diagnose(write_spec(tmp_path, spec))
    return [f"{d.level}: {d.path}: {d.message}" for d in found]


def test_names_data_and_vendor_keys_are_not_taken_for_keywords(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "x-owner": {"requird": "data"},
        "properties": {
            "maximun": {"type": "string", "x-ui": "wide"},
            "required": {"type": "boolean", "default": True},
            "pick": {"enum": [{"requird": 1}], "examples": [{"requird": 1}]},
        },
        "patternProperties": {"^minLenght": {"type": "string"}},
        "$defs": {"nullable": {"type": "string"}},
        "dependentSchemas": {"requird": {"required": ["maximun"]}},
        "required": ["maximun"],
    }
    tools = [{"name": "t", "description": "d.", "inputSchema": schema}]
    assert _messages(tmp_path, _spec(tools)) == []


def test_a_required_name_declared_in_a_subschema_is_not_flagged(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "allOf": [{"properties": {"b": {"type": "string"}}}],
        "required": ["a", "b"],
    }
    tools = [{"name": "t", "description": "d.", "inputSchema": schema}]
    assert _messages(tmp_path, _spec(tools)) == []


def test_the_hint_for_a_ref_output_schema_builds_and_round_trips(
    tmp_path: Path,
) -> None:
    bare = {"$ref": "#/$defs/Bookmark"}
    tool = {
        "name": "get",
        "description": "A bookmark.",
        "inputSchema": {"type": "object"},
        "outputSchema": bare,
    }
    refused = _messages(tmp_path / "bare", _spec([tool], {"Bookmark": BOOKMARK}))
    assert refused == [
        "error: tools[0].outputSchema: the root of outputSchema must be `type: object`"
    ]
    hinted = {"type": "object", "$ref": "#/$defs/Bookmark"}
    path = write_spec(
        tmp_path, _spec([{**tool, "outputSchema": hinted}], {"Bookmark": BOOKMARK})
    )
    answer = {"url": "https://example.com/", "title": "Example"}
    returned = [answer, {"url": "not a url"}]

    async def get(args: Any, ctx: Any) -> Any:
        return returned.pop(0)

    with generated_package(path, tmp_path / "out") as module:
        package = module.__name__.rsplit(".", 1)[0]
        models = sys.modules[f"{package}.models"]
        assert "url" in models.GetOutput.model_fields

        async def main() -> None:
            async with Client(module.build_server(module.Handlers(get=get))) as client:
                (listed,) = (await client.list_tools()).tools
                assert listed.output_schema is not None
                assert listed.output_schema["$ref"] == "#/$defs/Bookmark"
                assert listed.output_schema["type"] == "object"
                assert listed.output_schema["$defs"]["Bookmark"] == BOOKMARK
                result = await client.call_tool("get", {})
                assert result.structured_content == answer
                wrong = await client.call_tool("get", {})
                assert wrong.is_error

        anyio.run(main)
