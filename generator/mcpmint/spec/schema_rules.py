"""The rules for the JSON Schemas in a spec (tool schemas and `$defs`): valid 2020-12,
`$ref`s that resolve (and no cycle of bare refs), patterns Python can compile, bounds
the models can hold."""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator

from mcpmint.schema.keywords import COUNTS, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS
from mcpmint.schema.walk import (
    def_name,
    escape_pointer,
    iter_refs,
    resolve_pointer,
    unescape_pointer,
)
from mcpmint.spec.diagnostics import Diagnostic, JsonPath, short_message
from mcpmint.spec.load import LoadedSpec

TOOL_NAME = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
LONG_NAME = 64
_META_VALIDATOR = Draft202012Validator(Draft202012Validator.META_SCHEMA)
_JSON_TYPES = "array, boolean, integer, null, number, object, string"
# Length and count bounds become machine integers in the models (pydantic-core is Rust):
# past 64 bits, models.py raises OverflowError on import. No value is ever that large.
MAX_BOUND = 2**63 - 1
# Where other dialects keep definitions: `#/defs/X`, `#/definitions/X` (2019-09, draft
# 7), `#/components/schemas/X` (OpenAPI).
_OTHER_DEFS = re.compile(r"^#/(?:defs|definitions|components/schemas)/([^/]+)")


def bare_ref_cycles(spec: LoadedSpec, spec_defs: dict[str, Any]) -> list[Diagnostic]:
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


def metaschema_problems(
    spec: LoadedSpec, schema: Any, base: JsonPath
) -> list[Diagnostic]:
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
                f"not valid JSON Schema 2020-12: {short_message(error.message)}",
                hint,
            )
        )
    return found


@functools.lru_cache(maxsize=4096)
def _meta_errors(schema_json: str) -> tuple[Any, ...]:
    # Checking against the metaschema is slow ($dynamicRef); equal schemas are
    # checked once.
    return tuple(_META_VALIDATOR.iter_errors(json.loads(schema_json)))


def ref_problems(
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
            other = _OTHER_DEFS.match(ref)
            if name is None and other is not None:
                name = unescape_pointer(other.group(1))
            close = difflib.get_close_matches(name or "", known, n=1)
            hint = (
                f'did you mean "#/$defs/{escape_pointer(close[0])}"?'
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
