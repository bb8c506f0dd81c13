"""No injection: strings from the spec reach the generated code only as data.

Hostile strings (quotes, triple quotes, backslashes, Jinja delimiters, `#`, newlines,
U+2028/U+2029, NUL, bidi marks, escapes that look like Python's) go into every place a
spec can hold text; names that are keywords, builtins, dunders, pydantic attributes or
not identifiers go into property and tool names. The generated code must compile, pass
`mypy --strict`, and serve every string exactly as written: tools/list through
`mcp.Client(build_server())` equals the spec's Tool objects, and calls see the values sent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import anyio
import pytest
from generated_support import (
    compile_errors,
    dump,
    generated_package,
    mypy_strict,
    write_spec,
)
from hostile_strings import (
    PLACES,
    arguments_for,
    base,
    echo,
    hostile_spec,
    served,
    text_tool,
)
from mcp import Client

from mcpmint import build, diagnose

pytestmark = pytest.mark.usefixtures("format_cache")


async def check_serving(module: Any, spec: dict[str, Any], handlers: Any) -> None:
    server_spec = spec["server"]
    async with Client(module.build_server(handlers)) as client:
        info = dump(client.server_info)
        for key in ("name", "version", "title", "description", "websiteUrl"):
            assert info.get(key) == server_spec.get(key), key
        assert client.instructions == server_spec.get("instructions")
        listed = [dump(tool) for tool in (await client.list_tools()).tools]
        assert listed == [served(tool) for tool in spec["tools"]]
        for tool in spec["tools"]:
            for arguments in arguments_for(tool):
                result = await client.call_tool(tool["name"], arguments)
                assert not result.is_error, (tool["name"], result.content)
                assert json.loads(result.content[0].text) == arguments  # type: ignore[union-attr]


@pytest.mark.parametrize("place", [p for p in PLACES if p != "examples"])
def test_hostile_strings_are_served_exactly_as_written(
    tmp_path: Path, place: str
) -> None:
    spec = hostile_spec(place)
    path = write_spec(tmp_path, spec)
    result = build(path, tmp_path / "out")
    assert compile_errors(result) == []
    with generated_package(path, tmp_path / "out") as module:
        fields = module.Handlers.__dataclass_fields__
        handlers = module.Handlers(**{name: echo for name in fields})
        anyio.run(check_serving, module, spec, handlers)


def test_hostile_examples_are_answered_exactly_by_the_example_server(
    tmp_path: Path,
) -> None:
    spec = hostile_spec("examples")
    path = write_spec(tmp_path, spec)
    assert compile_errors(build(path, tmp_path / "out")) == []
    with generated_package(path, tmp_path / "out") as module:
        package = module.__name__.rsplit(".", 1)[0]
        examples = __import__(f"{package}.examples", fromlist=["example_handlers"])

        async def main() -> None:
            async with Client(
                module.build_server(examples.example_handlers())
            ) as client:
                for example in spec["tools"][0]["examples"]:
                    result = await client.call_tool("probe", example["arguments"])
                    assert result.content[0].text == example["result"]  # type: ignore[union-attr]
                for example in spec["tools"][1]["examples"]:
                    result = await client.call_tool("structured", example["arguments"])
                    assert result.structured_content == example["result"]

        anyio.run(main)


@pytest.mark.parametrize(
    "places",
    [tuple(PLACES), ("property-names", "tool-names")],
    ids=["every-place", "names-only"],
)
def test_the_generated_project_passes_mypy_strict_and_imports(
    tmp_path: Path, places: tuple[str, ...]
) -> None:
    spec = hostile_spec(*places)
    path = write_spec(tmp_path, spec)
    out = tmp_path / "project"
    problems = []
    with generated_package(path, out) as module:
        package = module.__name__.rsplit(".", 1)[0]
        # The modules server.py does not import.
        for name in ("client", "examples", "models"):
            try:
                __import__(f"{package}.{name}")
            except Exception as exc:
                problems.append(f"import {package}.{name}: {type(exc).__name__}: {exc}")
    result = mypy_strict(out, tmp_path / "mypy-cache")
    if result.returncode != 0:
        problems.append(result.stdout[-6000:] + result.stderr[-2000:])
    assert not problems, "\n\n".join(problems)


def test_unknown_annotation_hints_are_warned_about_and_known_ones_served(
    tmp_path: Path,
) -> None:
    # MCP defines five annotations; the SDK's ToolAnnotations drops any other key on
    # both sides, so a spec that has one gets a located warning, and tools/list serves
    # the known ones exactly.
    spec = base("hints_server")
    annotations = {"readOnlyHint": True, "x-cost": "high", "x-nested": {"a": [1]}}
    spec["tools"].append(text_tool("probe", annotations=annotations))
    path = write_spec(tmp_path, spec)
    warnings = {d.path: d.message for d in diagnose(path)[1] if d.level == "warning"}
    unserved = "not an MCP annotation: tools/list will not serve it"
    assert warnings["tools[0].annotations.x-cost"] == unserved
    assert warnings["tools[0].annotations.x-nested"] == unserved
    with generated_package(path, tmp_path / "out") as module:

        async def main() -> None:
            async with Client(module.build_server()) as client:
                tools = (await client.list_tools()).tools
                assert dump(tools[0])["annotations"] == {"readOnlyHint": True}

        anyio.run(main)


@pytest.mark.parametrize(
    "ref",
    ["https://127.0.0.1:9/meta.json", "shared/defs.yaml#/$defs/X"],
    ids=["url", "file"],
)
def test_meta_is_data_even_when_it_has_a_ref_key(tmp_path: Path, ref: str) -> None:
    # `_meta` is opaque to mcpmint, yet a "$ref" inside it is imported (rewritten) or
    # refused.
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "defs.yaml").write_text("$defs: {X: {type: string}}\n")
    spec = base("meta_server")
    meta = {"example.com/schema": {"$ref": ref}}
    spec["tools"].append(text_tool("probe", _meta=meta))
    result = build(write_spec(tmp_path, spec), tmp_path / "out")
    tools = json.loads(
        next(f.text for p, f in result.files.items() if p.name == "tools.json")
    )["tools"]
    assert tools[0]["_meta"] == meta


def test_a_raw_next_line_character_in_a_json_spec_is_kept(tmp_path: Path) -> None:
    # JSON allows a raw U+0085 in a string; YAML 1.1 folds it into a space.
    spec = base("nel_server")
    spec["tools"].append(text_tool("probe", description="one\x85two"))
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    result = build(path, tmp_path / "out")
    tools = json.loads(
        next(f.text for p, f in result.files.items() if p.name == "tools.json")
    )["tools"]
    assert tools[0]["description"] == "one\x85two"


def test_the_hostile_spec_files_are_plain_yaml(tmp_path: Path) -> None:
    """The spec writer escapes every odd character: the files are ASCII."""
    path = write_spec(tmp_path, hostile_spec(*PLACES))
    assert path.read_bytes().isascii()
    assert os.path.getsize(path) > 10_000


@pytest.mark.parametrize(
    "name", ["MISSING", "Field", "StrictStr", "Annotated", "Any", "Literal", "str"]
)
def test_the_typed_client_imports_when_a_property_is_named_like_one_of_its_imports(
    tmp_path: Path, name: str
) -> None:
    # models.py renames its own imports (`from pydantic import MISSING as
    # MISSING_aliased`);
    # client.py then imports `MISSING_aliased` from pydantic, which has no such name.
    spec = base("shadow_server")
    spec["tools"].append(
        text_tool(
            "probe",
            inputSchema={"type": "object", "properties": {name: {"type": "string"}}},
        )
    )
    path = write_spec(tmp_path, spec)
    with generated_package(path, tmp_path / "out"):
        __import__("shadow_server.client")
