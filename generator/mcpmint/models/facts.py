"""What lowered nodes accept, as far as the lowering needs to know: whether a default
fits the type mypy sees, and whether oneOf branches can overlap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .nodes import CHECKS, extra_schema, json_equal, kind_of

# A `$ref` node's lowered target, or None while it is being lowered.
Deref = Callable[[dict[str, Any]], dict[str, Any] | None]
_EVERYTHING = frozenset(
    ("null", "boolean", "string", "integer", "fraction", "array", "object")
)
_Facts = tuple[set[str], list[Any] | None, dict[str, list[Any]]]


class Facts:
    """Questions about lowered nodes, following `$ref`s through `deref`."""

    def __init__(self, deref: Deref) -> None:
        self.deref = deref

    def fits(self, node: dict[str, Any], value: Any, depth: int) -> bool:
        """Whether a default, written as a Python literal, fits the type mypy sees."""
        if depth > 20 or node.get(CHECKS) == [["never"]]:
            return False
        if "anyOf" in node:
            return any(self.fits(b, value, depth + 1) for b in node["anyOf"])
        if "$ref" in node:
            target = self.deref(node)
            return target is not None and self.fits(target, value, depth + 1)
        if "enum" in node:
            return any(type(v) is type(value) and v == value for v in node["enum"])
        kind = node.get("type")
        if kind is None:
            return CHECKS not in node
        if kind == "object":
            return (
                not node.get("properties")
                and isinstance(value, dict)
                and all(
                    self.fits(extra_schema(node), v, depth + 1) for v in value.values()
                )
            )
        if kind == "array":
            return (
                "prefixItems" not in node
                and isinstance(value, list)
                and all(self.fits(node.get("items", {}), v, depth + 1) for v in value)
            )
        if kind == "integer":
            return type(value) is int
        if kind == "number":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        return bool(kind_of(value) == kind)

    def disjoint(self, branches: list[dict[str, Any]]) -> bool:
        """Whether no value can match two of the branches."""
        facts = [self.facts(b, 0) for b in branches]
        for i, (kinds_a, values_a, tags_a) in enumerate(facts):
            for kinds_b, values_b, tags_b in facts[i + 1 :]:
                if not kinds_a & kinds_b:
                    continue
                if values_a is not None and values_b is not None:
                    if not any(json_equal(x, y) for x in values_a for y in values_b):
                        continue
                if kinds_a == kinds_b == {"object"} and any(
                    k in tags_b
                    and not any(json_equal(x, y) for x in v for y in tags_b[k])
                    for k, v in tags_a.items()
                ):
                    continue
                return False
        return True

    def facts(self, node: dict[str, Any], depth: int) -> _Facts:
        """Kinds a node accepts, its values if finite, its required literals."""
        if depth > 20:
            return set(_EVERYTHING), None, {}
        if node.get(CHECKS) == [["never"]]:
            return set(), [], {}
        if "$ref" in node:
            target = self.deref(node)
            if target is None:
                return set(_EVERYTHING), None, {}
            return self.facts(target, depth + 1)
        if "anyOf" in node:
            parts = [self.facts(b, depth + 1) for b in node["anyOf"]]
            kinds = set().union(*(p[0] for p in parts))
            values = (
                None
                if any(p[1] is None for p in parts)
                else [v for p in parts for v in p[1] or ()]
            )
            return kinds, values, {}
        if CHECKS in node and node[CHECKS][0][0] == "enum":
            values = node[CHECKS][0][1]
            return {kind_of(v) for v in values}, values, {}
        if "enum" in node:
            return {kind_of(v) for v in node["enum"]}, node["enum"], {}
        return self._typed_facts(node, depth)

    def _typed_facts(self, node: dict[str, Any], depth: int) -> _Facts:
        kind = node.get("type")
        if kind is None:
            return set(_EVERYTHING), None, {}
        if kind == "number":
            return {"integer", "fraction"}, None, {}
        tags: dict[str, list[Any]] = {}
        for name in node.get("required", []) if kind == "object" else ():
            values = self.facts(node["properties"][name], depth + 1)[1]
            if values is not None:
                tags[name] = values
        return {kind}, None, tags
