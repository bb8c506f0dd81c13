"""Every rule a spec must meet, each broken rule a located diagnostic; all of them
at once."""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError
from referencing import Registry

from mcpmint.schema.keywords import COUNTS, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS
from mcpmint.schema.walk import bundle, def_name, iter_refs, own_defs, resolve_pointer
from mcpmint.spec import format as spec_models
from mcpmint.spec.diagnostics import Diagnostic, JsonPath
from mcpmint.spec.load import LoadedSpec
from mcpmint.spec.naming import handler_name, is_package_name, package_name, pascal

TOOL_NAME = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
LONG_NAME = 64
_META_VALIDATOR = Draft202012Validator(Draft202012Validator.META_SCHEMA)
_JSON_TYPES = "array, boolean, integer, null, number, object, string"
# Length and count bounds become machine integers in the models (pydantic-core is Rust):
# past 64 bits, models.py raises OverflowError on import. No value is ever that large.
MAX_BOUND = 2**63 - 1


def validate(spec: LoadedSpec) -> list[Diagnostic]:
    """Every diagnostic for a loaded spec (errors and warnings)."""
    data = spec.data
    if not isinstance(data, dict):
        return [
            spec.diagnostic(
                "error", (), "the spec must be a mapping", "start with `mcpmint: 1`"
            )
        ]
    found = list(_structure(spec))
    found += _server(spec, data)
    tools = data.get("tools")
    if isinstance(tools, list):
        found += _tool_names(spec, tools)
    found += _schemas(spec, data)
    return found


def _structure(spec: LoadedSpec) -> Iterator[Diagnostic]:
    try:
        spec_models.Spec.model_validate(spec.data)
    except ValidationError as exc:
        for error in exc.errors():
            yield _structure_diagnostic(spec, error)


def _structure_diagnostic(spec: LoadedSpec, error: Any) -> Diagnostic:
    loc: JsonPath = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        known = spec_models.known_keys(_model_at(loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else "known keys: " + ", ".join(known)
        )
        return spec.diagnostic("error", loc, f"unknown key {loc[-1]!r}", hint)
    if error["type"] == "missing":
        return spec.diagnostic("error", loc[:-1], f"missing required key {loc[-1]!r}")
    message = error["msg"]
    if error["type"] == "string_type" and isinstance(
        error.get("input"), int | float | bool
    ):
        return spec.diagnostic(
            "error", _trim_loc(loc), message, f'quote it: "{error["input"]}"'
        )
    if error["type"] == "literal_error" and loc == ("mcpmint",):
        return spec.diagnostic(
            "error",
            loc,
            "unsupported format version",
            "this mcpmint reads `mcpmint: 1`",
        )
    return spec.diagnostic("error", _trim_loc(loc), message)


def _trim_loc(loc: JsonPath) -> JsonPath:
    # pydantic adds union-member tags ("str", "list[str]") to locations; they are not
    # spec paths
    return tuple(p for p in loc if isinstance(p, int) or not any(c in p for c in "[]"))


def _model_at(loc: JsonPath) -> type[BaseModel]:
    names = [p for p in loc if isinstance(p, str)]
    table: dict[tuple[str, ...], type[BaseModel]] = {
        ("server",): spec_models.Server,
        ("auth",): spec_models.Auth,
        ("tools",): spec_models.Tool,
        ("tools", "examples"): spec_models.Example,
    }
    return table.get(tuple(names), spec_models.Spec)


def _server(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    server = data.get("server")
    if not isinstance(server, dict) or not isinstance(server.get("name"), str):
        return []
    package = server.get("package")
    if package is None:
        derived = package_name(server["name"])
        if not is_package_name(derived):
            return [
                spec.diagnostic(
                    "error",
                    ("server", "name"),
                    f"no Python package name can be derived from {server['name']!r}",
                    "set server.package",
                )
            ]
        return []
    if isinstance(package, str) and not is_package_name(package):
        return [
            spec.diagnostic(
                "error",
                ("server", "package"),
                f"{package!r} is not a valid Python package name",
                "use lowercase letters, digits and underscores",
            )
        ]
    return []


def _tool_names(spec: LoadedSpec, tools: list[Any]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    by_name: dict[str, int] = {}
    by_python: dict[str, tuple[int, str]] = {}
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            continue
        name = tool["name"]
        where = ("tools", i, "name")
        if not TOOL_NAME.match(name):
            found.append(
                spec.diagnostic(
                    "error",
                    where,
                    f"tool name {name!r} is not valid",
                    "use 1 to 128 of A-Z a-z 0-9 _ - .",
                )
            )
        elif len(name) > LONG_NAME:
            found.append(
                spec.diagnostic(
                    "warning",
                    where,
                    f"tool name is {len(name)} characters long",
                    f"many clients truncate names over {LONG_NAME} characters",
                )
            )
        if name in by_name:
            found.append(
                spec.diagnostic(
                    "error",
                    where,
                    f"duplicate tool name {name!r}",
                    f"tools[{by_name[name]}] has the same name",
                )
            )
            continue
        by_name[name] = i
        for python in (handler_name(name), pascal(name)):
            if python in by_python:
                j, other = by_python[python]
                found.append(
                    spec.diagnostic(
                        "error",
                        where,
                        f"tool {name!r} and tool {other!r} (tools[{j}]) "
                        f"both become {python!r} in Python",
                        "rename one of them",
                    )
                )
                break
        else:
            by_python[handler_name(name)] = (i, name)
            by_python[pascal(name)] = (i, name)
        if not tool.get("description"):
            found.append(
                spec.diagnostic(
                    "warning",
                    ("tools", i),
                    f"tool {name!r} has no description",
                    "clients show the description to the model; add one",
                )
            )
        found += _unknown_hints(spec, tool, i)
    return found


def _unknown_hints(spec: LoadedSpec, tool: dict[str, Any], i: int) -> list[Diagnostic]:
    """Annotation keys MCP does not define: the SDK's ToolAnnotations drops them."""
    annotations = tool.get("annotations")
    if not isinstance(annotations, dict):
        return []
    known = spec_models.known_keys(spec_models.Annotations)
    hint = f"MCP annotations are {', '.join(known)}; put other data in the tool's _meta"
    return [
        spec.diagnostic(
            "warning",
            ("tools", i, "annotations", key),
            "not an MCP annotation: tools/list will not serve it",
            hint,
        )
        for key in annotations
        if key not in known
    ]


def _schemas(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    defs = data.get("$defs")
    spec_defs: dict[str, Any] = defs if isinstance(defs, dict) else {}
    found: list[Diagnostic] = []
    found += _bare_ref_cycles(spec, spec_defs)
    for name, schema in spec_defs.items():
        found += _metaschema(spec, schema, ("$defs", name))
        found += _refs(spec, schema, ("$defs", name), {}, spec_defs)
    tools = data.get("tools")
    for i, tool in enumerate(tools if isinstance(tools, list) else []):
        if isinstance(tool, dict):
            found += _tool_schemas(spec, tool, i, spec_defs)
    return found


def _bare_ref_cycles(spec: LoadedSpec, spec_defs: dict[str, Any]) -> list[Diagnostic]:
    """Definitions that are only a `$ref` to each other in a loop: no schema
    anywhere."""
    found = []
    for start in spec_defs:
        seen = [start]
        node = spec_defs[start]
        while (
            isinstance(node, dict)
            and set(node) == {"$ref"}
            and isinstance(node["$ref"], str)
        ):
            name = def_name(node["$ref"])
            if name is None or name not in spec_defs:
                break
            if name == start:
                cycle = " → ".join([*seen, start])
                found.append(
                    spec.diagnostic(
                        "error",
                        ("$defs", start, "$ref"),
                        f"$ref cycle with no schema in it: {cycle}",
                    )
                )
                break
            if name in seen:
                break
            seen.append(name)
            node = spec_defs[name]
    return found


def _tool_schemas(
    spec: LoadedSpec, tool: dict[str, Any], i: int, spec_defs: dict[str, Any]
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    ok: dict[str, bool] = {}
    for key in ("inputSchema", "outputSchema"):
        schema = tool.get(key)
        if not isinstance(schema, dict):
            ok[key] = False
            continue
        base: JsonPath = ("tools", i, key)
        problems = _metaschema(spec, schema, base) + _refs(
            spec, schema, base, own_defs(schema), spec_defs
        )
        if schema.get("type") != "object":
            problems.append(
                spec.diagnostic(
                    "error",
                    (*base, "type") if "type" in schema else base,
                    f"the root of {key} must be `type: object`",
                    "MCP clients expect an object of named arguments"
                    if key == "inputSchema"
                    else "structuredContent must be an object",
                )
            )
        found += problems
        ok[key] = not any(d.level == "error" for d in problems)
    found += _examples(spec, tool, i, spec_defs, ok)
    return found


def _patterns(spec: LoadedSpec, schema: Any, base: JsonPath) -> list[Diagnostic]:
    """Patterns Python's re cannot compile: every call would fail, so refuse them
    here."""
    found = []
    if isinstance(schema, dict):
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except (re.error, OverflowError, RecursionError) as exc:
                found.append(
                    spec.diagnostic(
                        "error",
                        (*base, "pattern"),
                        f"pattern {pattern!r} is not supported by Python's re: {exc}",
                        "rewrite it without ECMA-262-only features "
                        "(\\p{...}, named groups (?<...>))",
                    )
                )
        for key, value in schema.items():
            if key not in ("enum", "const", "default", "examples"):
                found += _patterns(spec, value, (*base, key))
    elif isinstance(schema, list):
        for i, item in enumerate(schema):
            found += _patterns(spec, item, (*base, i))
    return found


def _subschemas(schema: Any, base: JsonPath) -> Iterator[tuple[Any, JsonPath]]:
    """Every schema object in `schema` (itself included), by keyword, never data."""
    if not isinstance(schema, dict):
        return
    yield schema, base
    for key, value in schema.items():
        if key in ONE_SCHEMA:
            yield from _subschemas(value, (*base, key))
        if key in SCHEMA_LISTS and isinstance(value, list):
            for i, item in enumerate(value):
                yield from _subschemas(item, (*base, key, i))
        if key in SCHEMA_MAPS and isinstance(value, dict):
            for name, item in value.items():
                yield from _subschemas(item, (*base, key, name))


def _bounds(spec: LoadedSpec, schema: Any, base: JsonPath) -> list[Diagnostic]:
    """Length and count bounds past 64 bits: refused, the models could not hold them."""
    found = []
    hint = f"use at most {MAX_BOUND} (nothing is that large), or drop the bound"
    for node, path in _subschemas(schema, base):
        for key in COUNTS:
            value = node.get(key)
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and value > MAX_BOUND:
                message = (
                    f"{key} {_number(value)} is larger than 2**63-1, the largest"
                    " bound the generated pydantic models can hold"
                )
                found.append(spec.diagnostic("error", (*path, key), message, hint))
    return found


def _number(value: float) -> str:
    try:
        text = str(value)
    except ValueError:  # over sys.get_int_max_str_digits() digits
        return "(a number too long to print)"
    return text if len(text) <= 24 else f"(a {len(text)}-digit number)"


def _metaschema(spec: LoadedSpec, schema: Any, base: JsonPath) -> list[Diagnostic]:
    found = _patterns(spec, schema, base) + _bounds(spec, schema, base)
    for error in _meta_errors(json.dumps(schema, sort_keys=True)):
        path = (*base, *error.absolute_path)
        hint = (
            f"JSON types are: {_JSON_TYPES}" if "type" in error.absolute_path else None
        )
        found.append(
            spec.diagnostic(
                "error",
                path,
                f"not valid JSON Schema 2020-12: {_short(error.message)}",
                hint,
            )
        )
    return found


@functools.lru_cache(maxsize=4096)
def _meta_errors(schema_json: str) -> tuple[Any, ...]:
    # Checking against the metaschema is slow ($dynamicRef); equal schemas are
    # checked once.
    return tuple(_META_VALIDATOR.iter_errors(json.loads(schema_json)))


def _refs(
    spec: LoadedSpec, schema: Any, base: JsonPath, local: Any, spec_defs: dict[str, Any]
) -> list[Diagnostic]:
    found = []
    for path, ref in iter_refs(schema):
        where = (*base, *path, "$ref")
        if not ref.startswith("#"):
            continue  # refs to other files: refs.py reports on those
        name = def_name(ref)
        if name is not None and name not in local and name in spec_defs:
            ok, _ = resolve_pointer({"$defs": spec_defs}, ref[1:])
        else:
            ok, _ = resolve_pointer(schema, ref[1:])
        if not ok:
            known = sorted({*local, *spec_defs})
            close = difflib.get_close_matches(name or "", known, n=1)
            hint = (
                f"did you mean '#/$defs/{close[0]}'?"
                if close
                else (
                    "defined: " + ", ".join(known)
                    if known
                    else "add the definition under $defs"
                )
            )
            found.append(
                spec.diagnostic("error", where, f"unresolved $ref {ref!r}", hint)
            )
    return found


def _examples(
    spec: LoadedSpec,
    tool: dict[str, Any],
    i: int,
    spec_defs: dict[str, Any],
    ok: dict[str, bool],
) -> list[Diagnostic]:
    examples = tool.get("examples")
    if not isinstance(examples, list):
        return []
    found = []
    # An empty registry: refs are resolved inside the bundled schema only, never fetched
    # (jsonschema would otherwise retrieve http: and file: URLs on its own).
    validators = {
        key: Draft202012Validator(bundle(tool[key], spec_defs), registry=Registry())
        for key in ("inputSchema", "outputSchema")
        if ok.get(key)
    }
    for j, example in enumerate(examples):
        if not isinstance(example, dict):
            continue
        base: JsonPath = ("tools", i, "examples", j)
        if "inputSchema" in validators and isinstance(
            example.get("arguments", {}), dict
        ):
            found += _instance(
                spec,
                validators["inputSchema"],
                example.get("arguments", {}),
                (*base, "arguments"),
                "arguments",
            )
        result = example.get("result")
        if "outputSchema" in validators and "result" in example:
            found += _instance(
                spec, validators["outputSchema"], result, (*base, "result"), "result"
            )
        elif (
            "result" in example
            and not isinstance(result, str)
            and "outputSchema" not in tool
        ):
            found.append(
                spec.diagnostic(
                    "error",
                    (*base, "result"),
                    "a tool without an outputSchema returns text: "
                    "the example result must be a string",
                    "add an outputSchema for structured results",
                )
            )
    return found


def _instance(
    spec: LoadedSpec,
    validator: Draft202012Validator,
    instance: Any,
    base: JsonPath,
    what: str,
) -> list[Diagnostic]:
    try:
        errors = sorted(
            validator.iter_errors(instance),
            key=lambda e: list(map(str, e.absolute_path)),
        )
    except Exception:  # a broken or unresolved schema: reported where it is defined
        return []
    return [
        spec.diagnostic(
            "error",
            (*base, *e.absolute_path),
            f"example {what} do not match the schema: {_short(e.message)}"
            if what == "arguments"
            else f"example result does not match the outputSchema: {_short(e.message)}",
        )
        for e in errors
    ]


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"
