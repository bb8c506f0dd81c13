"""2026-07-28 details in the spec: `x-mcp-header` refused exactly where the protocol
(the SDK's own check) refuses it, and caching hints lowered with their defaults."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp.shared.inbound import find_invalid_x_mcp_header

from mcpmint.codegen.hints import cache_ir
from mcpmint.codegen.ir import CacheIR
from mcpmint.pipeline import diagnose
from mcpmint.spec.format import Spec, spec_json_schema
from mcpmint.spec.header_rules import header_params

S = {"type": "string"}


def spec_with(input_schema: dict[str, Any], **top: Any) -> dict[str, Any]:
    tool = {"name": "t", "description": "d", "inputSchema": input_schema}
    return {
        "mcpmint": 1,
        "server": {"name": "h", "version": "1"},
        "tools": [tool],
    } | top


def errors(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return [d.format() for d in diagnose(path)[1] if d.level == "error"]


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def mirrored(header: Any = "Region", **schema: Any) -> dict[str, Any]:
    return {"type": "string", **schema, "x-mcp-header": header}


SCHEMAS: list[tuple[str, dict[str, Any]]] = [
    ("a string parameter", obj(region=mirrored())),
    ("an integer and a boolean", obj(n={"type": "integer", "x-mcp-header": "N"},
                                     b={"type": "boolean", "x-mcp-header": "B"})),
    ("a nested property", obj(target=obj(zone=mirrored("Zone")))),
    ("a number", obj(ratio={"type": "number", "x-mcp-header": "Ratio"})),
    ("a type list", obj(region=mirrored(type=["string", "null"]))),
    ("no type beside a $ref", {**obj(r={"$ref": "#/$defs/R", "x-mcp-header": "R"}),
                               "$defs": {"R": S}}),
    ("an array's items", obj(tags={"type": "array", "items": mirrored()})),
    ("the root", {**obj(region=S), "x-mcp-header": "Root"}),
    ("inside $defs", {**obj(region=S), "$defs": {"R": mirrored()}}),
    ("inside anyOf", obj(region={"anyOf": [mirrored()]})),
    ("a name with a space", obj(region=mirrored("Bad Name"))),
    ("an empty name", obj(region=mirrored(""))),
    ("a name that is no string", obj(region=mirrored(7))),
    ("two names differing in case", obj(a=mirrored("Zone"), b=mirrored("zone"))),
]  # fmt: skip


@pytest.mark.parametrize(("case", "schema"), SCHEMAS, ids=[c for c, _ in SCHEMAS])
def test_the_spec_refuses_an_annotation_exactly_when_the_sdk_does(
    tmp_path: Path, case: str, schema: dict[str, Any]
) -> None:
    found = [e for e in errors(tmp_path, spec_with(schema)) if "x-mcp-header" in e]
    assert bool(found) == (find_invalid_x_mcp_header(schema) is not None), found


def test_an_annotation_in_an_output_schema_is_refused(tmp_path: Path) -> None:
    data = spec_with(obj(region=S))
    data["tools"][0]["outputSchema"] = obj(id=mirrored("Id"))
    [error] = errors(tmp_path, data)
    assert "tools[0].outputSchema.properties.id.x-mcp-header: x-mcp-header is not " in (
        error
    )


def test_mirrored_parameters_are_named_by_their_path() -> None:
    schema = obj(region=mirrored(), target=obj(zone=mirrored("Zone")), note=S)
    assert header_params(schema) == {"region": "Region", "target.zone": "Zone"}


def test_the_spec_schema_describes_the_caching_hints() -> None:
    schema = json.loads(spec_json_schema())
    cache = schema["$defs"]["Cache"]["properties"]
    assert set(cache) == {
        "tools/list",
        "prompts/list",
        "resources/list",
        "resources/templates/list",
        "server/discover",
        "resources/read",
    }
    ttl = schema["$defs"]["CacheHint"]["properties"]["ttlMs"]["anyOf"][0]
    assert (ttl["type"], ttl["minimum"]) == ("integer", 0)


def lowered(**top: Any) -> CacheIR | None:
    return cache_ir(Spec.model_validate(spec_with(obj(), **top)))


RESOURCES = [
    {"uri": "x://a", "name": "a", "text": "A"},
    {"uri": "x://b", "name": "b", "text": "B", "cache": {"cacheScope": "public"}},
]
TEMPLATES = [
    {"uriTemplate": "x://t/{id}", "name": "t", "handler": True},
    {"uriTemplate": "x://u/{id}", "name": "u", "cache": {"ttlMs": 9}},
]


def test_no_hint_in_the_spec_lowers_to_none() -> None:
    assert lowered() is None
    assert lowered(resources=RESOURCES[:1]) is None


def test_a_method_s_hint_fills_its_missing_key_with_the_sdk_default() -> None:
    cache = {"tools/list": {"ttlMs": 60000}, "prompts/list": {"cacheScope": "public"}}
    assert lowered(cache=cache) == CacheIR(
        methods=(("tools/list", (60000, "private")), ("prompts/list", (0, "public")))
    )


def test_a_read_s_own_hint_falls_back_on_the_read_default_key_by_key() -> None:
    cache = {"resources/read": {"ttlMs": 5000}}
    templates = [{k: v for k, v in t.items() if k != "handler"} for t in TEMPLATES]
    assert lowered(
        cache=cache, resources=RESOURCES, resourceTemplates=templates
    ) == CacheIR(
        methods=(("resources/read", (5000, "private")),),
        # Every static URI and every template, in order: reads try them so.
        resources=(("x://a", None), ("x://b", (5000, "public"))),
        templates=(("x://t/{id}", None), ("x://u/{id}", (9, "private"))),
    )


BAD = """\
mcpmint: 1
server: {name: routed, version: 1.0.0}
transports: [http]
cache:
  tools/list: {ttlMs: -1}
tools:
  - name: route
    description: Says where a call goes.
    inputSchema:
      type: object
      properties:
        region: {type: string, x-mcp-header: Region}
        ratio: {type: number, x-mcp-header: Ratio}
        zone: {type: string, x-mcp-header: region}
"""


def test_the_readme_shows_what_validate_says(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    shown = readme.split("$ mcpmint validate spec.yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "spec.yaml").write_text(BAD, encoding="utf-8")
    said = subprocess.run(
        [sys.executable, "-m", "mcpmint", "validate", "spec.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert said.returncode == 1
    assert said.stdout + said.stderr == shown
