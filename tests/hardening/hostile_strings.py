"""Hostile strings and names, and specs that put them in every place a spec holds text.

Quotes, triple quotes, backslashes, Jinja delimiters, `#`, newlines, U+2028/U+2029,
U+0085, NUL, bidi marks and escapes that look like Python's; property names that are
keywords, builtins, dunders, pydantic attributes or no identifiers at all; tool names
that are Python keywords or the generated package's own module and class names.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

# fmt: off
HOSTILE = [
    "'", '"', "'''", '"""', '\\', '\\\\', 'a\\', 'ends with a quote"',
    'ends with a backslash\\', '\\n', '\\x00', '\\u0000', '\\N{BULLET}', '\n', '\r\n',
    '\r', '\t', 'x' * 75 + '\ty', '{{ x }}', '{% if x %}{% endif %}', '{# c #}', '{{',
    '%}', '#', '# comment', '#!/bin/sh', '\u2028', '\u2029', '\x85', '\x00', 'a\x00b',
    '\u200f', '\u202e', '\u200b', '\ufeff', '\x1b[31m',
    '"""\nimport os\nos.system("id")\n"""', "'''; import os; '''", '${HOME}', '$(id)',
    '`id`', '</script>', '*/', '%s %d', '{0}', "f'{x}'", '😀', '漢字', '',
]
# fmt: on
JOINED = "|".join(HOSTILE)

# fmt: off
PROPERTY_NAMES = [
    'class', 'def', 'None', 'True', 'async', 'await', 'match', 'case', 'type', '_',
    'print', 'list', 'id', 'str', 'int', 'dict', 'object', 'Any', 'MISSING', 'Field',
    'BaseModel', 'Literal', 'Annotated', 'StrictStr', 'ConfigDict', 'annotations',
    '__init__', '__class__', '__dict__', '__annotations__', '__slots__',
    '__pydantic_extra__', '_private', 'model_config', 'model_fields', 'model_validate',
    'model_dump', 'schema', 'json', 'dict_', 'copy', 'construct', 'validate', 'fields',
    'self', 'args', 'ctx', 'values', 'a-b', 'a b', 'a.b', '1abc', '', ' ', 'ü', '日本',
    '\u202e', "'", '"', '\\', '{{x}}', '#', 'a\nb', 'x' * 200,
]
TOOL_NAMES = [
    'class', 'def', 'None', 'print', 'list', 'models', 'server', 'runtime', 'handlers',
    'transports', 'examples', 'client', 'types', 'json', 'mcp', 'anyio', 'Protocol',
    'ToolContext', 'ToolResult', 'build_server', 'TOOLS', 'DATA', 'NAME', '__init__',
    '_x', 'x.y', '1abc', 'a' * 128,
]
# fmt: on


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
