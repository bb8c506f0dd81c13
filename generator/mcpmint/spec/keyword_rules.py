"""Strict schemas: the rules that catch a schema which is valid JSON Schema but does not
say what its author meant. Unknown keywords (typos such as `requird`), keywords of
other dialects (`nullable`, `required: true`, `definitions`), `required` names missing
from `properties`, a `default`/`const`/`examples` value its own schema refuses, and a
`format` the models do not check."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry

from mcpmint.schema.formats import FORMATS, format_problem
from mcpmint.schema.keywords import KEYWORDS, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS
from mcpmint.schema.walk import bundle
from mcpmint.spec.diagnostics import Diagnostic, JsonPath, short_message
from mcpmint.spec.load import LoadedSpec


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name in FORMATS:

        def check(value: object, name: str = name) -> bool:
            return not isinstance(value, str) or format_problem(name, value) is None

        checker.checks(name)(check)
    return checker


# The formats mcpmint enforces, as jsonschema checks them (examples, defaults).
FORMAT_CHECKER = _format_checker()
_ENFORCED = ", ".join(FORMATS)


def strict_problems(
    spec: LoadedSpec, schema: Any, base: JsonPath, spec_defs: dict[str, Any]
) -> list[Diagnostic]:
    """Every strictness problem in one schema (a tool's or a shared definition)."""
    found: list[Diagnostic] = []
    for node, path, in_properties in _nodes(schema, base, False):
        found += _keywords(spec, node, path, in_properties)
        found += _required(spec, node, path)
        found += _format(spec, node, path)
    if isinstance(schema, dict):
        found += _values(spec, schema, base, spec_defs)
    return found


def _nodes(
    schema: Any, path: JsonPath, in_properties: bool
) -> Iterator[tuple[dict[str, Any], JsonPath, bool]]:
    """Every schema object, with whether it is a property's schema. The keys of
    `properties`/`$defs`/... are names, not keywords; data and `x-` keys are skipped."""
    if not isinstance(schema, dict):
        return
    yield schema, path, in_properties
    for key, value in schema.items():
        if key in ONE_SCHEMA:
            yield from _nodes(value, (*path, key), False)
        if key in SCHEMA_LISTS and isinstance(value, list):
            for i, item in enumerate(value):
                yield from _nodes(item, (*path, key, i), False)
        if key in SCHEMA_MAPS and isinstance(value, dict):
            for name, item in value.items():
                yield from _nodes(item, (*path, key, name), key == "properties")


def _keywords(
    spec: LoadedSpec, node: dict[str, Any], path: JsonPath, in_properties: bool
) -> list[Diagnostic]:
    found = []
    for key, value in node.items():
        where = (*path, key)
        if key == "nullable":
            declared = node.get("type")
            hint = (
                f'write `type: [{declared}, "null"]`'
                if isinstance(declared, str)
                else 'add "null" to `type`'
            )
            message = "`nullable` is OpenAPI, not JSON Schema: it is ignored here"
            found.append(spec.diagnostic("error", where, message, hint))
        elif key == "required" and isinstance(value, bool):
            hint = (
                f"list the name in the parent object's `required: [{path[-1]}]`"
                if in_properties
                else "list property names: `required: [name, ...]`"
            )
            message = "`required: true` does not make a property required"
            found.append(spec.diagnostic("error", where, message, hint))
        elif key == "definitions":
            message = "`definitions` is not a JSON Schema 2020-12 keyword"
            hint = "write `$defs:`, and refs as `#/$defs/...`"
            found.append(spec.diagnostic("error", where, message, hint))
        elif key not in KEYWORDS and not (isinstance(key, str) and key[:2] == "x-"):
            close = difflib.get_close_matches(str(key), list(KEYWORDS), n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else "JSON Schema ignores it; start vendor keys with `x-`"
            )
            found.append(
                spec.diagnostic("warning", where, f"unknown keyword {key!r}", hint)
            )
    return found


def _required(
    spec: LoadedSpec, node: dict[str, Any], path: JsonPath
) -> list[Diagnostic]:
    required = node.get("required")
    declared = node.get("properties", {})
    if not isinstance(required, list) or not isinstance(declared, dict):
        return []
    closed = node.get("additionalProperties") is False
    if "patternProperties" in node or not (closed or declared):
        return []
    elsewhere = ("allOf", "anyOf", "oneOf", "$ref", "dependentSchemas", "if")
    if not closed and any(k in node for k in elsewhere):
        return []  # the property may be declared in a subschema
    found = []
    for i, name in enumerate(required):
        if not isinstance(name, str) or name in declared:
            continue
        close = difflib.get_close_matches(name, [str(k) for k in declared], n=1)
        suggestion = f"did you mean {close[0]!r}? " if close else ""
        if closed:
            message = (
                f"required property {name!r} is not in properties, and "
                "additionalProperties is false: no value can be valid"
            )
            hint = f"{suggestion}declare it in properties or drop it from required"
            level = "error"
        else:
            message = f"required property {name!r} is not in properties"
            hint = (
                f"{suggestion}declare it in properties (as it is, any value is taken)"
            )
            level = "warning"
        found.append(spec.diagnostic(level, (*path, "required", i), message, hint))
    return found


def _format(spec: LoadedSpec, node: dict[str, Any], path: JsonPath) -> list[Diagnostic]:
    name = node.get("format")
    if not isinstance(name, str) or name in FORMATS:
        return []
    return [
        spec.diagnostic(
            "warning",
            (*path, "format"),
            f"format {name!r} is not checked: any string is accepted",
            f"the generated models check {_ENFORCED}",
        )
    ]


def _values(
    spec: LoadedSpec, schema: dict[str, Any], base: JsonPath, spec_defs: dict[str, Any]
) -> list[Diagnostic]:
    """`default`, `const` and each of `examples` checked against their own schema."""
    bundled = bundle(schema, spec_defs).get("$defs")
    # A `$defs` that is not an object is the metaschema check's error, not this one's.
    defs = {**spec_defs, **(bundled if isinstance(bundled, dict) else {})}
    found = []
    for node, path, _ in _nodes(schema, base, False):
        data: list[tuple[str, JsonPath, Any]] = [
            (k, (k,), node[k]) for k in ("default", "const") if k in node
        ]
        if isinstance(node.get("examples"), list):
            data += [
                ("examples", ("examples", i), v) for i, v in enumerate(node["examples"])
            ]
        if not data:
            continue
        own = node.get("$defs")
        rooted = {**node, "$defs": {**defs, **(own if isinstance(own, dict) else {})}}
        try:
            validator = Draft202012Validator(
                rooted, registry=Registry(), format_checker=FORMAT_CHECKER
            )
            for keyword, at, value in data:
                error = next(iter(validator.iter_errors(value)), None)
                if error is None:
                    continue
                message = (
                    f"`{keyword}` value does not satisfy its own schema: "
                    f"{short_message(error.message)}"
                )
                hint = "fix the value or the schema: tools/list serves both as written"
                found.append(spec.diagnostic("error", (*path, *at), message, hint))
        except Exception:  # a broken schema: reported by the other rules
            continue
    return found
