"""`x-mcp-header` (SEP-2243): a tool parameter mirrored into an `Mcp-Param-<name>`
HTTP header. The rules are the protocol's (the SDK's `find_invalid_x_mcp_header`):
a 2026-07-28 client drops a tool whose annotation breaks one of them, so the spec
refuses it, located.

Also the known keys of the spec's `cache:` (caching hints, SEP-2549)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mcpmint.spec.diagnostics import Diagnostic, JsonPath
from mcpmint.spec.format import CACHED_LISTS
from mcpmint.spec.load import LoadedSpec

HEADER_KEY = "x-mcp-header"
CACHE_KEYS = (*CACHED_LISTS, "resources/read")
# RFC 9110 §5.6.2: the characters of an HTTP field name.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_MIRRORED_TYPES = ("string", "integer", "boolean")
# Applicators whose subschemas are off the pure `properties` chain (as the SDK walks).
_SINGLE = (
    "items",
    "contains",
    "unevaluatedItems",
    "additionalProperties",
    "propertyNames",
    "unevaluatedProperties",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
)
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("patternProperties", "dependentSchemas", "$defs", "definitions")


def header_problems(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    """The `x-mcp-header` rules of every tool's inputSchema, and of `$defs`."""
    found: list[Diagnostic] = []
    tools = data.get("tools")
    for i, tool in enumerate(tools if isinstance(tools, list) else []):
        if isinstance(tool, dict):
            found += _input_problems(spec, tool.get("inputSchema"), ("tools", i))
            found += _elsewhere(spec, tool.get("outputSchema"), ("tools", i))
    defs = data.get("$defs")
    for name, schema in (defs if isinstance(defs, dict) else {}).items():
        base: JsonPath = ("$defs", name)
        for where, _, node in _positions(schema, base, None):
            if HEADER_KEY in node:
                found.append(_off_chain(spec, where, "in $defs"))
    return found


def _input_problems(spec: LoadedSpec, schema: Any, tool: JsonPath) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    seen: dict[str, str] = {}
    base: JsonPath = (*tool, "inputSchema")
    for where, chain, node in _positions(schema, base, ()):
        if HEADER_KEY not in node:
            continue
        if not chain:
            found.append(_off_chain(spec, where, "here"))
            continue
        problem = _annotation_problem(spec, node, (*where, HEADER_KEY), chain, seen)
        if problem is not None:
            found.append(problem)
    return found


def _annotation_problem(
    spec: LoadedSpec,
    node: dict[str, Any],
    where: JsonPath,
    chain: tuple[str, ...],
    seen: dict[str, str],
) -> Diagnostic | None:
    header, prop = node[HEADER_KEY], ".".join(chain)
    if not isinstance(header, str) or not _TOKEN.match(header):
        return spec.diagnostic(
            "error",
            where,
            f"{HEADER_KEY} must be an HTTP header name, not {header!r}",
            "use letters, digits and !#$%&'*+-.^_`|~ (it becomes Mcp-Param-<name>)",
        )
    kind = node.get("type")
    if kind not in _MIRRORED_TYPES:
        shown = f"type {kind!r}" if "type" in node else "no `type`"
        return spec.diagnostic(
            "error",
            where,
            f"{HEADER_KEY} on property {prop!r} with {shown}",
            "only a property of type string, integer or boolean is mirrored into "
            "a header (written beside the annotation: a $ref is not followed)",
        )
    other = seen.setdefault(header.lower(), prop)
    if other != prop:
        return spec.diagnostic(
            "error",
            where,
            f"properties {other!r} and {prop!r} both use header {header!r}",
            "header names are case-insensitive: give each property its own",
        )
    return None


def _off_chain(spec: LoadedSpec, where: JsonPath, place: str) -> Diagnostic:
    return spec.diagnostic(
        "error",
        (*where, HEADER_KEY),
        f"{HEADER_KEY} is not allowed {place}",
        "put it on a property reached from inputSchema through `properties` "
        "alone (not the root, items, $defs, allOf, ...)",
    )


def _elsewhere(spec: LoadedSpec, schema: Any, tool: JsonPath) -> list[Diagnostic]:
    base: JsonPath = (*tool, "outputSchema")
    return [
        _off_chain(spec, where, "in an outputSchema")
        for where, _, node in _positions(schema, base, None)
        if HEADER_KEY in node
    ]


def _positions(
    root: Any, base: JsonPath, chain: tuple[str, ...] | None
) -> Iterator[tuple[JsonPath, tuple[str, ...] | None, dict[str, Any]]]:
    """Every schema position under `root`: its spec path, its chain of `properties`
    keys from the root (None once another applicator is crossed), the schema."""
    if not isinstance(root, dict):
        return
    yield base, chain, root
    for key, value in root.items():
        if key == "properties" and isinstance(value, dict):
            for name, sub in value.items():
                deeper = (*chain, name) if chain is not None else None
                yield from _positions(sub, (*base, key, name), deeper)
        elif key in _SINGLE:
            yield from _positions(value, (*base, key), None)
        elif key in _LIST and isinstance(value, list):
            for j, sub in enumerate(value):
                yield from _positions(sub, (*base, key, j), None)
        elif key in _MAP and isinstance(value, dict):
            for name, sub in value.items():
                yield from _positions(sub, (*base, key, name), None)


def header_params(schema: Any, chain: str = "") -> dict[str, str]:
    """The parameters of an inputSchema mirrored into headers, reached through
    `properties` alone: dotted path ("region", "target.zone") -> header name."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    found: dict[str, str] = {}
    for name, prop in (properties if isinstance(properties, dict) else {}).items():
        path = f"{chain}{name}"
        if isinstance(prop, dict) and isinstance(prop.get(HEADER_KEY), str):
            found[path] = prop[HEADER_KEY]
        found.update(header_params(prop, f"{path}."))
    return found
