"""Conjunction of lowered nodes (allOf, `$ref` siblings, a type with an anyOf): one
node that accepts what all of them accept, or None when the subset cannot say it."""

from __future__ import annotations

from typing import Any

from .facts import Deref
from .keywords import NUMBER_KEYWORDS
from .nodes import CHECKS, NEVER, extra_schema, integer_bound, merge_checks, union

# A merge that distributes over more anyOf branches than this gives up.
MAX_BRANCHES = 32


class Merger:
    """Merges lowered nodes, following `$ref`s through `deref`."""

    def __init__(self, deref: Deref) -> None:
        self.deref = deref

    def merge(
        self, a: dict[str, Any], b: dict[str, Any], depth: int
    ) -> dict[str, Any] | None:
        if a == {} or b == {}:
            return b if a == {} else a
        if depth > 20:
            return None
        if a == NEVER or b == NEVER:
            return dict(NEVER)
        for x, y in ((a, b), (b, a)):
            if "anyOf" in x:
                return self._distribute(x["anyOf"], y, depth)
        for x, y in ((a, b), (b, a)):
            if "$ref" in x:
                target = self.deref(x)
                return None if target is None else self.merge(target, y, depth + 1)
        checks = merge_checks(a.get(CHECKS, []), b.get(CHECKS, []))
        if checks is None or "enum" in a or "enum" in b:
            return None
        kind_a, kind_b = a.get("type"), b.get("type")
        if kind_a is None or kind_b is None or kind_a == kind_b:
            kind = kind_a or kind_b
        elif {kind_a, kind_b} == {"integer", "number"}:
            kind = "integer"
        else:
            return dict(NEVER)  # no value has two JSON types
        merged = self._merge_keywords(kind, a, b, depth)
        if merged is None:
            return None
        if kind is not None:
            merged["type"] = kind
        if checks:
            merged[CHECKS] = checks
        return merged

    def _distribute(
        self, branches: list[dict[str, Any]], other: dict[str, Any], depth: int
    ) -> dict[str, Any] | None:
        merged = [self.merge(branch, other, depth + 1) for branch in branches]
        if any(m is None for m in merged):
            return None
        result = union([m for m in merged if m is not None])
        return None if len(result.get("anyOf", ())) > MAX_BRANCHES else result

    def _merge_keywords(
        self, kind: str | None, a: dict[str, Any], b: dict[str, Any], depth: int
    ) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        if description := a.get("description", b.get("description")):
            out["description"] = description
        for key in ("minLength", "minItems", "minimum", "exclusiveMinimum"):
            if found := [x[key] for x in (a, b) if key in x]:
                out[key] = max(found)
        for key in ("maxLength", "maxItems", "maximum", "exclusiveMaximum"):
            if found := [x[key] for x in (a, b) if key in x]:
                out[key] = min(found)
        if kind == "integer":
            bounds = {k: out.pop(k) for k in NUMBER_KEYWORDS[:4] if k in out}
            for key, value in bounds.items():
                integer_bound(out, key, value)
        patterns = {x["pattern"] for x in (a, b) if "pattern" in x}
        if len(patterns) > 1 or "prefixItems" in a or "prefixItems" in b:
            return None
        if patterns:
            out["pattern"] = patterns.pop()
        if "items" in a or "items" in b:
            items = self.merge(a.get("items", {}), b.get("items", {}), depth + 1)
            if items is None:
                return None
            out["items"] = items
        if kind == "object":
            return self._merge_objects(out, a, b, depth)
        return out

    def _merge_objects(
        self, out: dict[str, Any], a: dict[str, Any], b: dict[str, Any], depth: int
    ) -> dict[str, Any] | None:
        properties: dict[str, Any] = {}
        for name in list(a["properties"]) + [
            n for n in b["properties"] if n not in a["properties"]
        ]:
            left = a["properties"].get(name, extra_schema(a))
            right = b["properties"].get(name, extra_schema(b))
            merged = self.merge(left, right, depth + 1)
            if merged is None:
                return None
            properties[name] = merged
        extra = self.merge(extra_schema(a), extra_schema(b), depth + 1)
        if extra is None:
            return None
        out["properties"] = properties
        out["required"] = list(dict.fromkeys(a["required"] + b["required"]))
        out["additionalProperties"] = (
            False if extra == NEVER else (True if extra == {} else extra)
        )
        return out
