"""Lowering: JSON Schema → the subset datamodel-code-generator types exactly.

One `type` per node (type lists and untyped nodes with type-specific keywords become
`anyOf`), null as an `anyOf` branch, `enum`/`const` as the values that really validate,
`allOf` and `$ref` siblings merged, explicit `additionalProperties`. What the subset
cannot say becomes a runtime check (`CHECKS`); what cannot be modelled at all is dropped
and flagged, so that the model gets looser and the tool is validated with jsonschema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcpmint.schema.walk import escape_pointer

from .families import TypeFamilies
from .keywords import ANNOTATION_KEYWORDS, UNSUPPORTED
from .nodes import (
    CHECKS,
    NEVER,
    TYPE_OF_KIND,
    as_list,
    is_json,
    json_equal,
    kind_of,
    same,
    small_int,
    union,
)
from .plan import At, Unit


class Lowering(TypeFamilies):
    """Rewrites the requests and the defs they reach into lowered units."""

    def lowered_units(self, every_def: bool = False) -> dict[str, Unit]:
        """Every unit the requests reach (and every `$defs` entry if asked), lowered,
        in the order they were found."""
        for i, request in enumerate(self.requests):
            self._unit(f"r{i}", "", request.class_name, request.where).request = True
        for name in self.spec_defs if every_def else ():
            pointer = f"/$defs/{escape_pointer(name)}"
            self._unit("defs", pointer, self.def_names[name], f"$defs.{name}")
        while pending := [u for u in self.units.values() if u.state == "pending"]:
            for unit in pending:
                self._lower_unit(unit)
        return self.units

    def _lower(self, node: Any, at: At) -> dict[str, Any]:
        if node is True:
            return {}
        if node is False:
            return dict(NEVER)
        if not isinstance(node, Mapping):
            self._flag(at, "", "not a schema: any value is accepted")
            return {}
        values = self._candidates(node, at.doc, 0)
        if values is not None:
            return self._lower_values([v for v in values if self._valid(at, v)])
        for keyword, reason in UNSUPPORTED.items():
            if keyword in node:
                self._flag(at, keyword, reason)
        if "$id" in node and at.pointer:
            self._flag(at, "$id", "embedded `$id` is ignored")
        parts = []
        if "$ref" in node:
            parts.append(self._lower_ref(node["$ref"], at))
        parts.append(self._lower_typed(node, at))
        for i, sub in enumerate(as_list(node.get("allOf"))):
            parts.append(self._lower(sub, at.child("allOf", i)))
        for keyword in ("anyOf", "oneOf"):
            if isinstance(node.get(keyword), list) and node[keyword]:
                parts.append(self._lower_union(node[keyword], at, keyword))
        return self._conjoin(parts, at)

    def _candidates(self, node: Any, doc: str, depth: int) -> list[Any] | None:
        """The finite set of values a node can take, if a conjunct fixes it."""
        if node is False:
            return []
        if not isinstance(node, Mapping) or depth > 20:
            return None
        if "const" in node:
            return [node["const"]]
        if isinstance(node.get("enum"), list):
            return list(node["enum"])
        for sub in as_list(node.get("allOf")):
            if (found := self._candidates(sub, doc, depth + 1)) is not None:
                return found
        pure_ref = depth == 0 and set(node) <= ANNOTATION_KEYWORDS | {"$ref"}
        location = (
            None if pure_ref else self._resolve(node.get("$ref"), At(doc, "", "", ()))
        )
        if location is not None:
            target = self._lookup(*location)
            if (found := self._candidates(target, location[0], depth + 1)) is not None:
                return found
        for keyword in ("anyOf", "oneOf"):
            branches = as_list(node.get(keyword))
            if branches:
                found_all = [self._candidates(b, doc, depth + 1) for b in branches]
                if all(f is not None for f in found_all):
                    return [v for f in found_all for v in f or ()]
        return None

    def _lower_values(self, values: list[Any]) -> dict[str, Any]:
        """The values that validate: a Literal, or a type plus a value check."""
        unique: list[Any] = []
        for value in values:
            if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
                value = int(value)
            if is_json(value) and not any(json_equal(value, u) for u in unique):
                unique.append(value)
        literal = [v for v in unique if v is None or isinstance(v, str) or small_int(v)]
        others = sorted({TYPE_OF_KIND[kind_of(v)] for v in unique if v not in literal})
        if not unique or literal == [None] == unique:
            return dict(NEVER) if not unique else {"type": "null"}
        if not others:
            return {"enum": literal}
        branches = [{"type": k} for k in others] + (
            [{"enum": literal}] if literal else []
        )
        return {**union(branches), CHECKS: [["enum", unique]]}

    def _lower_union(self, branches: list[Any], at: At, keyword: str) -> dict[str, Any]:
        lowered = [self._lower(b, at.child(keyword, i)) for i, b in enumerate(branches)]
        if keyword == "oneOf" and not self.facts.disjoint(lowered):
            self._flag(
                at,
                keyword,
                "oneOf branches that may overlap are checked as anyOf: a value "
                "matching several branches is accepted",
            )
        return union(lowered)

    def _conjoin(self, parts: list[dict[str, Any]], at: At) -> dict[str, Any]:
        """allOf, `$ref` siblings, a type with anyOf: one node, or the first parts."""
        parts = [p for p in parts if p != {}]
        if not parts:
            return {}
        result = parts[0]
        for part in parts[1:]:
            merged = self.merger.merge(result, part, 0)
            for ref in (result, part):
                if (
                    merged is not None
                    and "$ref" in ref
                    and same(merged, self._deref(ref))
                ):
                    merged = ref  # the other part adds nothing: keep the shared class
            if merged is None:
                self._flag(
                    at,
                    "allOf" if "allOf" in self._lookup(at.doc, at.pointer) else "",
                    "subschemas that must all hold cannot be combined into one model: "
                    "only some of them are checked",
                )
                return result
            result = merged
        return result
