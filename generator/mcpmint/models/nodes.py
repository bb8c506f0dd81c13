"""Lowered nodes and JSON values: the check marker and small functions on both."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

CHECKS = "x-mcpmint-checks"  # runtime checks of a lowered node, removed before codegen
NEVER: dict[str, Any] = {CHECKS: [["never"]]}
ABSENT = object()
TYPE_OF_KIND = {"integer": "number", "fraction": "number", "number": "number"} | {
    k: k for k in ("null", "boolean", "string", "array", "object")
}


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            json_equal(x, y) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def small_int(value: Any) -> bool:
    """An int that mypy accepts in a Literal (it wants 64 bits)."""
    return isinstance(value, int) and -(2**63) <= value < 2**63


def is_json(value: Any) -> bool:
    """Whether a value is JSON data (YAML can also give dates, sets, NaN, ...)."""
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json(v) for k, v in value.items())
    return False


def same(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    """Equal as schemas, ignoring descriptions."""
    if a is None or b is None:
        return False
    return dumps({**a, "description": None}) == dumps({**b, "description": None})


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return (
            "integer"
            if value.is_integer()
            else "fraction"
            if math.isfinite(value)
            else "number"
        )
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def bound(value: Any, *, up: bool) -> int | None:
    """A length bound as an int (JSON Schema allows 2.0; a fraction rounds inwards)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return math.ceil(value) if up else math.floor(value)


def integer_bound(out: dict[str, Any], keyword: str, value: int | float) -> None:
    """Integer bounds as inclusive ints: x > 1.5 is x >= 2 for integers."""
    if keyword == "minimum":
        limit, key = math.ceil(value), "minimum"
    elif keyword == "exclusiveMinimum":
        limit, key = math.floor(value) + 1, "minimum"
    elif keyword == "maximum":
        limit, key = math.floor(value), "maximum"
    else:
        limit, key = math.ceil(value) - 1, "maximum"
    if key in out:
        limit = max(limit, out[key]) if key == "minimum" else min(limit, out[key])
    out[key] = limit


def extra_schema(node: dict[str, Any]) -> dict[str, Any]:
    """The schema of an object node's additional properties."""
    extra = node.get("additionalProperties", True)
    if extra is True:
        return {}
    return dict(NEVER) if extra is False else dict(extra)


def merge_checks(a: list[list[Any]], b: list[list[Any]]) -> list[list[Any]] | None:
    merged = list(a)
    for check in b:
        if check not in merged:
            merged.append(check)
    if ["never"] in merged:
        return [["never"]]
    kinds = [c[0] for c in merged]
    return (
        None if kinds.count("enum") > 1 or kinds.count("propertyCount") > 1 else merged
    )


def union(branches: list[dict[str, Any]]) -> dict[str, Any]:
    """`anyOf` of the branches, flattened, without duplicates or never-branches."""
    flat: list[dict[str, Any]] = []
    for branch in branches:
        for item in branch["anyOf"] if set(branch) == {"anyOf"} else [branch]:
            if item == NEVER:
                continue
            if item == {}:
                return {}
            if not any(dumps(item) == dumps(f) for f in flat):
                flat.append(item)
    if not flat:
        return dict(NEVER)
    return flat[0] if len(flat) == 1 else {"anyOf": flat}
