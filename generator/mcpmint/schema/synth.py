"""Minimal valid instances of JSON Schemas, for tools whose spec gives no examples."""

from __future__ import annotations

import math
from typing import Any

from jsonschema import Draft202012Validator

from mcpmint.schema.walk import resolve_pointer

_FORMATS = {
    "date": "2024-01-31",
    "date-time": "2024-01-31T12:00:00Z",
    "time": "12:00:00Z",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
}
_MAX_DEPTH = 12


def synthesise(schema: dict[str, Any]) -> tuple[bool, Any]:
    """A small instance valid under `schema` (a bundled root schema): (found,
    instance)."""
    try:
        instance = _synth(schema, schema, 0)
    except _GiveUp:
        return False, None
    return Draft202012Validator(schema).is_valid(instance), instance


class _GiveUp(Exception):
    pass


def _synth(node: Any, root: dict[str, Any], depth: int) -> Any:
    if depth > _MAX_DEPTH or node is False:
        raise _GiveUp
    if node is True or not isinstance(node, dict):
        return {}
    for key in ("const", "default"):
        if key in node:
            return node[key]
    if node.get("enum"):
        return node["enum"][0]
    if isinstance(node.get("examples"), list) and node["examples"]:
        return node["examples"][0]
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        found, target = resolve_pointer(root, node["$ref"][1:])
        if not found:
            raise _GiveUp
        return _synth(target, root, depth + 1)
    for key in ("anyOf", "oneOf"):
        if node.get(key):
            return _first_valid(node[key], root, depth)
    if node.get("allOf"):
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            merged = _merge(merged, part if isinstance(part, dict) else {})
        return _synth(
            _merge(merged, {k: v for k, v in node.items() if k != "allOf"}),
            root,
            depth + 1,
        )
    return _by_type(node, root, depth)


def _first_valid(branches: list[Any], root: dict[str, Any], depth: int) -> Any:
    for branch in branches:
        try:
            candidate = _synth(branch, root, depth + 1)
        except _GiveUp:
            continue
        if Draft202012Validator(
            {**root, **(branch if isinstance(branch, dict) else {})}
        ).is_valid(candidate):
            return candidate
    raise _GiveUp


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = {**a, **b}
    if "properties" in a or "properties" in b:
        out["properties"] = {**a.get("properties", {}), **b.get("properties", {})}
    if "required" in a or "required" in b:
        out["required"] = sorted({*a.get("required", []), *b.get("required", [])})
    return out


def _by_type(node: dict[str, Any], root: dict[str, Any], depth: int) -> Any:
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = (
            "object"
            if "properties" in node
            else "string"
            if "pattern" in node or "minLength" in node
            else None
        )
    if kind == "object":
        props = node.get("properties", {})
        return {
            name: _synth(props.get(name, {}), root, depth + 1)
            for name in node.get("required", [])
        }
    if kind == "array":
        prefix = [_synth(item, root, depth + 1) for item in node.get("prefixItems", [])]
        count = max(0, int(node.get("minItems", 0)) - len(prefix))
        if count and node.get("uniqueItems"):
            raise _GiveUp
        items = node.get("items", {})
        return prefix + [_synth(items, root, depth + 1) for _ in range(count)]
    if kind == "string":
        text = _FORMATS.get(str(node.get("format")), "a")
        return (text * int(node.get("minLength", 1)))[
            : max(len(text), int(node.get("minLength", 1)))
        ]
    if kind in ("integer", "number"):
        return _number(node, kind)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return None


def _number(node: dict[str, Any], kind: str) -> int | float:
    low = node.get("minimum", node.get("exclusiveMinimum"))
    value: float = 0 if low is None else low
    if "exclusiveMinimum" in node and value <= node["exclusiveMinimum"]:
        value = node["exclusiveMinimum"] + 1
    step = node.get("multipleOf")
    if step:
        value = math.ceil(value / step) * step
    if kind == "integer" or float(value).is_integer():
        return int(math.ceil(value))
    return value
