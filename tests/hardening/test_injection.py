"""No injection: strings from the spec reach the generated code only as data.

Hostile strings (quotes, triple quotes, backslashes, Jinja delimiters, `#`, newlines,
U+2028/U+2029, NUL, bidi marks, escapes that look like Python's) go into every place a
spec can hold text; names that are keywords, builtins, dunders, pydantic attributes or
not identifiers go into property and tool names. The generated code must compile, pass
`mypy --strict`, and serve every string exactly as written: tools/list through
`mcp.Client(build_server())` equals the spec's Tool objects, and calls see the values sent.
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

import anyio
import pytest
from generated_support import (
    compile_errors,
    dump,
    generated_package,
    mypy_strict,
    refusal,
    write_spec,
)
from mcp import Client

from mcpmint import build

pytestmark = pytest.mark.usefixtures("format_cache")

HOSTILE = [
    "'",
    '"',
    "'''",
    '"""',
    "\\",
    "\\\\",
    "a\\",
    'ends with a quote"',
    "ends with a backslash\\",
    "\\n",
    "\\x00",
    "\\u0000",
    "\\N{BULLET}",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "x" * 75 + "\t" + "y",
    "{{ x }}",
    "{% if x %}{% endif %}",
    "{# c #}",
    "{{",
    "%}",
    "#",
    "# comment",
    "#!/bin/sh",
    "\u2028",
    "\u2029",
    "\x85",
    "\x00",
    "a\x00b",
    "\u200f",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\x1b[31m",
    '"""\nimport os\nos.system("id")\n"""',
    "'''; import os; '''",
    "${HOME}",
    "$(id)",
    "`id`",
    "</script>",
    "*/",
    "%s %d",
    "{0}",
    "f'{x}'",
    "😀",
    "漢字",
    "",
]
JOINED = "|".join(HOSTILE)

PROPERTY_NAMES = [
    "class",
    "def",
    "None",
    "True",
    "async",
    "await",
    "match",
    "case",
    "type",
    "_",
    "print",
    "list",
    "id",
    "str",
    "int",
    "dict",
    "object",
    "Any",
    "MISSING",
    "Field",
    "BaseModel",
    "Literal",
    "Annotated",
    "StrictStr",
    "ConfigDict",
    "annotations",
    "__init__",
    "__class__",
    "__dict__",
    "__annotations__",
    "__slots__",
    "__pydantic_extra__",
    "_private",
    "model_config",
    "model_fields",
    "model_validate",
    "model_dump",
    "schema",
    "json",
    "dict_",
    "copy",
    "construct",
    "validate",
    "fields",
    "self",
    "args",
    "ctx",
    "values",
    "a-b",
    "a b",
    "a.b",
    "1abc",
    "",
    " ",
    "ü",
    "日本",
    "\u202e",
    "'",
    '"',
    "\\",
    "{{x}}",
    "#",
    "a\nb",
    "x" * 200,
]
TOOL_NAMES = [
    "class",
    "def",
    "None",
    "print",
    "list",
    "models",
    "server",
    "runtime",
    "handlers",
    "transports",
    "examples",
    "client",
    "types",
    "json",
    "mcp",
    "anyio",
    "Protocol",
    "ToolContext",
    "ToolResult",
    "build_server",
    "TOOLS",
    "DATA",
    "NAME",
    "__init__",
    "_x",
    "x.y",
    "1abc",
    "a" * 128,
]


def base(package: str) -> dict[str, Any]:
    return {
        "mcpmint": 1,
        "server": {"name": package, "version": "1.0.0", "package": package},
        "tools": [],
    }


def text_tool(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "description": "A tool.",
        "inputSchema": {"type": "object"},
        **extra,
    }


def place_server(spec: dict[str, Any]) -> None:
    spec["server"].update(
        title=JOINED,
        description=JOINED,
        instructions=JOINED,
        version="1.0.0+" + JOINED,
        websiteUrl="https://example.com/?q=" + JOINED,
    )
    spec["tools"].append(text_tool("probe"))


def place_tool_text(spec: dict[str, Any]) -> None:
    for i, text in enumerate(
        HOSTILE
    ):  # one tool per string: each lands at a line end too
        spec["tools"].append(text_tool(f"t{i}", title=text, description=text))
    spec["tools"].append(text_tool("joined", title=JOINED, description=JOINED))


def place_annotations_and_meta(spec: dict[str, Any]) -> None:
    meta = {text: [text, {text: JOINED}] for text in HOSTILE if text}
    meta["example.com/" + JOINED[:100]] = {"nested": [JOINED, None, 1.5, True]}
    spec["tools"].append(
        text_tool(
            "probe", annotations={"title": JOINED, "readOnlyHint": True}, _meta=meta
        )
    )


def place_schema_text(spec: dict[str, Any]) -> None:
    properties = {
        f"p{i}": {
            "type": "string",
            "title": text,
            "description": text,
            "default": text,
            "$comment": text,
            "examples": [text],
        }
        for i, text in enumerate(HOSTILE)
    }
    properties["choice"] = {"enum": HOSTILE, "description": JOINED}
    properties["fixed"] = {"const": JOINED}
    properties["joined"] = {"type": "string", "default": JOINED, "format": JOINED}
    schema = {
        "type": "object",
        "title": JOINED,
        "description": JOINED,
        "properties": properties,
    }
    spec["tools"].append(text_tool("probe", inputSchema=schema))


def place_patterns(spec: dict[str, Any]) -> None:
    properties = {
        f"p{i}": {"type": "string", "pattern": "^" + re.escape(text) + "$"}
        for i, text in enumerate(HOSTILE)
    }
    properties["joined"] = {"type": "string", "pattern": "^" + re.escape(JOINED) + "$"}
    spec["tools"].append(
        text_tool("probe", inputSchema={"type": "object", "properties": properties})
    )


def place_examples(spec: dict[str, Any]) -> None:
    schema = {"type": "object", "properties": {"q": {"type": "string"}}}
    output = {"type": "object", "properties": {"r": {"type": "string"}}}
    examples = [
        {"arguments": {"q": text}, "result": f"[{i}]" + text}
        for i, text in enumerate(HOSTILE)
    ]
    spec["tools"].append(text_tool("probe", inputSchema=schema, examples=examples))
    structured = [{"arguments": {"q": text}, "result": {"r": text}} for text in HOSTILE]
    spec["tools"].append(
        text_tool(
            "structured", inputSchema=schema, outputSchema=output, examples=structured
        )
    )


def place_property_names(spec: dict[str, Any]) -> None:
    properties = {
        name: {"type": "string", "description": f"property {name!r}"}
        for name in PROPERTY_NAMES
    }
    spec["tools"].append(
        text_tool("probe", inputSchema={"type": "object", "properties": properties})
    )
    required = {
        "type": "object",
        "properties": copy.deepcopy(properties),
        "required": PROPERTY_NAMES[:20],
    }
    spec["tools"].append(text_tool("required", inputSchema=required))


def place_tool_names(spec: dict[str, Any]) -> None:
    for name in TOOL_NAMES:
        schema = {"type": "object", "properties": {name: {"type": "string"}}}
        spec["tools"].append(text_tool(name, inputSchema=schema))


PLACES = {
    "server": place_server,
    "tool-text": place_tool_text,
    "annotations-meta": place_annotations_and_meta,
    "schema-text": place_schema_text,
    "patterns": place_patterns,
    "examples": place_examples,
    "property-names": place_property_names,
    "tool-names": place_tool_names,
}


def hostile_spec(*places: str) -> dict[str, Any]:
    spec = base("inj_" + "_".join(p.replace("-", "_") for p in places) + "_server")
    for place in places:
        PLACES[place](spec)
    seen: set[str] = set()
    for n, tool in enumerate(spec["tools"]):  # places combined: every tool name once
        if tool["name"] in seen:
            tool["name"] = f"{tool['name']}{n}"
        seen.add(tool["name"])
    return spec


def served(tool: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in tool.items() if k != "examples"}


async def echo(args: Any, ctx: Any) -> str:
    return json.dumps(
        args.model_dump(mode="json", by_alias=True, exclude_unset=True),
        ensure_ascii=False,
    )


def arguments_for(tool: dict[str, Any]) -> list[dict[str, Any]]:
    """Calls that exercise a tool's hostile parts: every property set, and each enum value."""
    properties = tool["inputSchema"].get("properties", {})
    calls: list[dict[str, Any]] = [{}]
    if properties:
        every = {}
        for name, schema in properties.items():
            if "const" in schema:
                every[name] = schema["const"]
            elif "enum" in schema:
                every[name] = schema["enum"][0]
            elif "pattern" in schema:
                every[name] = HOSTILE[int(name[1:])] if name.startswith("p") else JOINED
            else:
                every[name] = f"value of {name}: {JOINED}"
        calls.append(every)
    for name, schema in properties.items():
        calls += [{name: value} for value in schema.get("enum", [])]
    if "required" in tool["inputSchema"]:
        calls = [c for c in calls if set(tool["inputSchema"]["required"]) <= set(c)]
    return calls


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
        for name in (
            "client",
            "examples",
            "models",
        ):  # the modules server.py does not import
            try:
                __import__(f"{package}.{name}")
            except Exception as exc:
                problems.append(f"import {package}.{name}: {type(exc).__name__}: {exc}")
    result = mypy_strict(out, tmp_path / "mypy-cache")
    if result.returncode != 0:
        problems.append(result.stdout[-6000:] + result.stderr[-2000:])
    assert not problems, "\n\n".join(problems)


COLLIDING = [
    ("a.b", "a_b"),
    ("getX", "get_x"),
    ("class", "class_"),
    ("print", "print_tool"),
    ("__init__", "init"),
    ("-", "tool"),
    ("1a", "tool_1a"),
    ("A", "a"),
    ("get-forecast", "GetForecast"),
    ("x", "x-"),
]


@pytest.mark.parametrize(
    "first,second", COLLIDING, ids=[f"{a}~{b}" for a, b in COLLIDING]
)
def test_tool_names_that_collide_in_python_are_refused_at_the_second_name(
    tmp_path: Path, first: str, second: str
) -> None:
    text = (
        "mcpmint: 1\nserver: {name: coll, version: '1'}\ntools:\n"
        f"  - {{name: {json.dumps(first)}, description: d, inputSchema: {{type: object}}}}\n"
        f"  - {{name: {json.dumps(second)}, description: d, inputSchema: {{type: object}}}}\n"
    )
    error = refusal(write_spec(tmp_path, text))
    assert [(d.line, d.path) for d in error.diagnostics if d.level == "error"] == [
        (5, "tools[1].name")
    ], str(error)


REFS = {
    "http": "http://127.0.0.1:9/schema.json",
    "https": "https://example.com/schema.json#/$defs/X",
    "upper-scheme": "HTTPS://example.com/x.json",
    "file-url": "file:///etc/passwd",
    "scheme-relative": "//example.com/x.json",
    "absolute": "/etc/passwd",
    "parent": "../outside.yaml#/$defs/X",
    "deep-parent": "sub/../../outside.yaml#/$defs/X",
    "symlink": "link.yaml#/$defs/X",
    "dev": "/dev/zero",
}


@pytest.mark.parametrize("where", ["input", "output", "defs"])
@pytest.mark.parametrize("ref", list(REFS.values()), ids=list(REFS))
def test_refs_to_urls_and_outside_the_root_are_refused_where_they_are(
    tmp_path: Path, ref: str, where: str
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside.yaml").write_text("$defs: {X: {type: string}}\n")
    (root / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    target = json.dumps(ref)
    lines = ["mcpmint: 1", "server: {name: refs, version: '1'}"]
    if where == "defs":
        lines += ["$defs:", f"  X: {{$ref: {target}}}"]
        target = json.dumps("#/$defs/X")
    lines += ["tools:", "  - name: probe", "    description: d"]
    output = f"{{type: object, properties: {{x: {{$ref: {target}}}}}}}"
    plain = "{type: object, properties: {x: {type: string}}}"
    lines += [f"    inputSchema: {output if where == 'input' else plain}"]
    if where == "output":
        lines += [f"    outputSchema: {output}"]
    ref_line = 4 if where == "defs" else len(lines)
    error = refusal(write_spec(root, "\n".join(lines) + "\n"))
    errors = [d for d in error.diagnostics if d.level == "error"]
    assert errors and all(
        d.line == ref_line and d.path.endswith("$ref") for d in errors
    ), str(error)


def test_unknown_annotation_hints_are_served_as_the_readme_promises(
    tmp_path: Path,
) -> None:
    # The README: "unknown hints are kept and served as written"; types.Tool drops them.
    spec = base("hints_server")
    spec["tools"].append(
        text_tool(
            "probe",
            annotations={
                "readOnlyHint": True,
                "x-cost": "high",
                "x-nested": {"a": [1]},
            },
        )
    )
    path = write_spec(tmp_path, spec)
    with generated_package(path, tmp_path / "out") as module:

        async def main() -> None:
            async with Client(module.build_server()) as client:
                tools = (await client.list_tools()).tools
                assert dump(tools[0])["annotations"] == spec["tools"][0]["annotations"]

        anyio.run(main)


@pytest.mark.parametrize(
    "ref",
    ["https://example.com/meta.json", "shared/defs.yaml#/$defs/X"],
    ids=["url", "file"],
)
def test_meta_is_data_even_when_it_has_a_ref_key(tmp_path: Path, ref: str) -> None:
    # `_meta` is opaque to mcpmint, yet a "$ref" inside it is imported (rewritten) or refused.
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
    # models.py renames its own imports (`from pydantic import MISSING as MISSING_aliased`);
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
