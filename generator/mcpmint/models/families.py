"""Lowering of the type families: one node per JSON type, with the keywords of that
type's family kept, tightened (integer bounds) or turned into checks."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from mcpmint.schema.formats import FORMATS

from .keywords import FAMILY_KEYWORDS, JSON_TYPES
from .nodes import (
    ABSENT,
    CHECKS,
    NEVER,
    as_list,
    bound,
    integer_bound,
    is_json,
    union,
)
from .plan import At
from .units import LoweringState


class TypeFamilies(LoweringState):
    """`type` and the keywords of each family: string, number, array, object."""

    def _lower_typed(self, node: Mapping[str, Any], at: At) -> dict[str, Any]:
        declared = node.get("type")
        if declared is None:
            families = {
                t for t, kws in FAMILY_KEYWORDS.items() if any(k in node for k in kws)
            }
            if node.get("format") in FORMATS:  # constrains strings only
                families.add("string")
            if not families:
                return {}
            types = list(JSON_TYPES)
        else:
            types = [declared] if isinstance(declared, str) else as_list(declared)
            types = [
                t for t in dict.fromkeys(types) if t in JSON_TYPES or t == "integer"
            ]
            if "number" in types and "integer" in types:
                types.remove("integer")
            if not types:
                return dict(NEVER)
        return union([self._lower_single(t, node, at) for t in types])

    def _lower_single(
        self, kind: str, node: Mapping[str, Any], at: At
    ) -> dict[str, Any]:
        if kind in ("null", "boolean"):
            return {"type": kind}
        if kind == "string":
            return self._lower_string(node, at)
        if kind in ("integer", "number"):
            return self._lower_number(kind, node, at)
        if kind == "array":
            return self._lower_array(node, at)
        return self._lower_object(node, at)

    def _lower_string(self, node: Mapping[str, Any], at: At) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string"}
        if (low := bound(node.get("minLength"), up=True)) is not None and low > 0:
            out["minLength"] = low
        if (high := bound(node.get("maxLength"), up=False)) is not None:
            out["maxLength"] = max(high, -1)
            if high < 0:
                return dict(NEVER)
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
                out["pattern"] = pattern
            except re.error:
                self._flag(
                    at,
                    "pattern",
                    "pattern is not a Python regular expression: unchecked",
                )
        if node.get("format") in FORMATS:
            out[CHECKS] = [["format", node["format"]]]
        return out

    def _lower_number(
        self, kind: str, node: Mapping[str, Any], at: At
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"type": kind}
        for keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            value = node.get(keyword)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self._flag(at, keyword, f"`{keyword}` is not a number: unchecked")
            elif isinstance(value, float) and not math.isfinite(value):
                self._flag(at, keyword, f"`{keyword}` is not finite: unchecked")
            elif kind == "integer":
                integer_bound(out, keyword, value)
            else:
                out[keyword] = value
        factor = node.get("multipleOf")
        if (
            isinstance(factor, (int, float))
            and not isinstance(factor, bool)
            and factor > 0
            and math.isfinite(factor)
        ):
            out[CHECKS] = [["multipleOf", factor]]
        return out

    def _lower_array(self, node: Mapping[str, Any], at: At) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array"}
        low = bound(node.get("minItems"), up=True)
        high = bound(node.get("maxItems"), up=False)
        prefix = as_list(node.get("prefixItems"))
        items = node.get("items", True)
        if prefix:
            count = len(prefix)
            closed = items is False or (high is not None and high <= count)
            if closed and (low or 0) >= count and (high is None or high >= count):
                out["prefixItems"] = [
                    self._lower(s, at.child("prefixItems", i))
                    for i, s in enumerate(prefix)
                ]
                out.update(items=False, minItems=count, maxItems=count)
            else:
                self._flag(
                    at, "prefixItems", "prefixItems is not checked: any items accepted"
                )
            items = True
        elif items is False:
            high = 0
        if items is not True and "prefixItems" not in out:
            if (lowered := self._lower(items, at.child("items"))) != {}:
                out["items"] = lowered
        if low and "prefixItems" not in out:
            out["minItems"] = low
        if high is not None and "prefixItems" not in out:
            if high < (low or 0):
                return dict(NEVER)
            out["maxItems"] = high
        if node.get("uniqueItems") is True:
            out[CHECKS] = [["uniqueItems"]]
        return out

    def _lower_object(self, node: Mapping[str, Any], at: At) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        raw = node.get("properties")
        for name, sub in raw.items() if isinstance(raw, Mapping) else ():
            if isinstance(name, str):  # YAML can make a key a number or a boolean
                properties[name] = self._lower_property(
                    sub, at.child("properties", name)
                )
        required = [
            r
            for r in dict.fromkeys(as_list(node.get("required")))
            if isinstance(r, str)
        ]
        for name in required:
            properties.setdefault(name, {})
        out: dict[str, Any] = {"type": "object", "properties": properties}
        out["required"] = [r for r in required if r in properties]
        out["additionalProperties"] = self._lower_extra(node, at)
        low = bound(node.get("minProperties"), up=True)
        high = bound(node.get("maxProperties"), up=False)
        if low or high is not None:
            out[CHECKS] = [["propertyCount", low or 0, high]]
        return out

    def _lower_extra(self, node: Mapping[str, Any], at: At) -> Any:
        """additionalProperties as True, False or a lowered schema."""
        extra: Any = node.get("additionalProperties", True)
        if "patternProperties" in node:
            extra = True
        extra = (
            extra
            if isinstance(extra, bool)
            else self._lower(extra, at.child("additionalProperties"))
        )
        extra = True if extra == {} else extra
        return False if extra == NEVER else extra

    def _lower_property(self, sub: Any, at: At) -> dict[str, Any]:
        lowered = self._lower(sub, at)
        if not isinstance(sub, Mapping):
            return lowered
        extras: dict[str, Any] = {}
        if isinstance(sub.get("description"), str) and sub["description"].strip():
            extras["description"] = sub["description"]
        default = sub.get("default", ABSENT)
        if (
            is_json(default)
            and self._valid(at, default)
            and self.facts.fits(lowered, default, 0)
        ):
            extras["default"] = default
        return {**lowered, **extras} if extras else lowered
