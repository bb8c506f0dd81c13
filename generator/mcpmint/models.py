"""JSON Schema → Pydantic v2 source, through datamodel-code-generator.

`render_models` turns the tools' input/output schemas (JSON Schema 2020-12) and the
spec's shared `$defs` into one module of Pydantic models that accept exactly the
instances `jsonschema.Draft202012Validator` accepts (formats are annotations):

1. Lowering (`_Lowering`) rewrites every schema into a subset that
   datamodel-code-generator types faithfully: one `type` per node (type lists and
   untyped nodes with type-specific keywords become `anyOf`), null as an `anyOf`
   branch, `enum`/`const` as the values that really validate, `allOf` and `$ref`
   siblings merged, explicit `additionalProperties`. What the subset cannot say
   (uniqueItems, multipleOf, enum values a Literal cannot hold, false schemas,
   property counts) becomes a runtime check on a named definition. What cannot be
   modelled at all is dropped so that the model gets looser, and is reported as
   `Unfaithful`: the server validates those tools with jsonschema first.
2. Hoisting (`_Hoister`) names every object class and checked type, so that the
   class names are ours, stable, and never collide.
3. One datamodel-code-generator call for the whole spec (`_generate`).
4. Finishing (`_Finisher`, on the AST): final names, JSON scalar types (`_JsonInt`
   takes 1.0 but not "1" or true; `_JsonNumber` keeps ints as ints), literals that
   tell true from 1, typed extra properties, the checks, and ruff-clean imports.

The generated module states its conventions in its docstring (`_MODULE_DOCSTRING`).
"""

from __future__ import annotations

import ast
import inspect
import json
import math
import re
import sys
import textwrap
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast
from urllib.parse import quote, unquote

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

__all__ = ["ModelRequest", "ModelsSource", "Unfaithful", "render_models"]


@dataclass(frozen=True, slots=True)
class ModelRequest:
    """One root model to generate: a tool's inputSchema or outputSchema."""

    class_name: str
    schema: Mapping[str, Any]
    tool: str
    where: str


@dataclass(frozen=True, slots=True)
class Unfaithful:
    """A place where the model is looser than the schema: validate with jsonschema."""

    class_name: str
    tool: str
    pointer: str
    reason: str


@dataclass(frozen=True, slots=True)
class ModelsSource:
    """The models module text and the places where it is not faithful to the schemas."""

    source: str
    unfaithful: tuple[Unfaithful, ...]


def render_models(
    requests: Sequence[ModelRequest], defs: Mapping[str, Any]
) -> ModelsSource:
    """Render one module with a model per request and the shared `$defs` they reach."""
    names = [r.class_name for r in requests]
    for name in names:
        if not name.isidentifier() or name in _RESERVED or name.startswith("_"):
            raise ValueError(f"{name!r} cannot name a generated model class")
    if len(set(names)) != len(names):
        raise ValueError("request class names must be unique")
    lowering = _Lowering(requests, defs)
    plan = lowering.plan()
    raw = _generate(plan)
    source = _Finisher(plan).finish(raw)
    return ModelsSource(source=source, unfaithful=lowering.unfaithful())


# --------------------------------------------------------------------------------------
# Lowering: JSON Schema → the subset datamodel-code-generator types exactly.

_CHECKS = "x-mcpmint-checks"  # runtime checks of a lowered node, removed before codegen
_NEVER: dict[str, Any] = {_CHECKS: [["never"]]}
_ABSENT = object()
_JSON_TYPES = ("null", "boolean", "string", "number", "array", "object")
_STRING_KEYWORDS = ("minLength", "maxLength", "pattern")
_NUMBER_KEYWORDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
)
_ARRAY_KEYWORDS = (
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
)
_OBJECT_KEYWORDS = (
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
)
_FAMILY_KEYWORDS = {
    "string": _STRING_KEYWORDS,
    "number": _NUMBER_KEYWORDS,
    "integer": _NUMBER_KEYWORDS,
    "array": _ARRAY_KEYWORDS + ("unevaluatedItems",),
    "object": _OBJECT_KEYWORDS,
}
# Keywords the models do not check; dropping them only makes a model looser.
_UNSUPPORTED = {
    "not": "`not` is not checked by the model",
    "if": "`if`/`then`/`else` is not checked by the model",
    "dependentRequired": "`dependentRequired` is not checked by the model",
    "dependentSchemas": "`dependentSchemas` is not checked by the model",
    "patternProperties": "`patternProperties` is not checked: matching and additional "
    "properties are accepted with any value",
    "propertyNames": "`propertyNames` is not checked by the model",
    "unevaluatedProperties": "`unevaluatedProperties` is not checked by the model",
    "unevaluatedItems": "`unevaluatedItems` is not checked by the model",
    "contains": "`contains` is not checked by the model",
    "$dynamicRef": "`$dynamicRef` is not resolved: any value is accepted",
    "$recursiveRef": "`$recursiveRef` is not resolved: any value is accepted",
}
_MAX_BRANCHES = 32
# Keywords that codegen writes as `Field(...)` constraints.
_CONSTRAINTS = (
    "minLength maxLength pattern minimum maximum exclusiveMinimum exclusiveMaximum "
    "minItems maxItems".split()
)
_ANNOTATION_KEYWORDS = frozenset(
    "title description default examples deprecated readOnly writeOnly $comment format "
    "contentEncoding contentMediaType contentSchema".split()
)
_TYPE_OF_KIND = {"integer": "number", "fraction": "number", "number": "number"} | {
    k: k for k in ("null", "boolean", "string", "array", "object")
}


@dataclass(slots=True)
class _At:
    """A node's document and JSON pointer, and the path reported for it."""

    doc: str
    pointer: str
    unit: str
    path: tuple[str, ...]

    def child(self, *keys: str | int) -> _At:
        pointer = self.pointer + "".join("/" + _escape(str(k)) for k in keys)
        path = self.path + tuple(f"[{k}]" if isinstance(k, int) else k for k in keys)
        return _At(self.doc, pointer, self.unit, path)


@dataclass(slots=True)
class _Unit:
    """A schema location with a name: a request, a `$defs` entry, a $ref target."""

    key: str
    name: str
    doc: str
    pointer: str
    prefix: str
    body: dict[str, Any] | None = None
    state: str = "pending"  # pending → lowering → done
    flags: list[tuple[str, str]] = field(default_factory=list)
    deps: set[str] = field(default_factory=set)
    request: bool = False


@dataclass(slots=True)
class _Def:
    """One `$defs` entry handed to datamodel-code-generator."""

    key: str
    name: str
    schema: dict[str, Any]
    checks: list[list[Any]]
    request: bool = False


@dataclass(slots=True)
class _Plan:
    """Everything codegen and finishing need: the definitions, in order."""

    defs: list[_Def]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _pascal(text: str) -> str:
    words = [w for w in re.split(r"[^0-9A-Za-z]+", text) if w]
    name = "".join(w[0].upper() + w[1:] for w in words)
    return name if name and not name[0].isdigit() else "N" + name


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            _json_equal(x, y) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


class _Lowering:
    """Rewrites the requests and the defs they reach into `_Plan` definitions."""

    def __init__(
        self, requests: Sequence[ModelRequest], defs: Mapping[str, Any]
    ) -> None:
        self.requests = list(requests)
        self.spec_defs = dict(defs)
        self.docs: dict[str, Any] = {"defs": {"$defs": self.spec_defs}}
        self.units: dict[str, _Unit] = {}
        self.by_location: dict[tuple[str, str], str] = {}
        self.names = _Names({r.class_name for r in self.requests})
        self.validators: dict[tuple[str, str], Draft202012Validator] = {}
        for i, request in enumerate(self.requests):
            self.docs[f"r{i}"] = dict(request.schema)
        self.registry = self._registry()
        self.def_names = {
            name: self.names.take(_pascal(str(name))) for name in self.spec_defs
        }

    # -- units -------------------------------------------------------------------------

    def plan(self) -> _Plan:
        for i, request in enumerate(self.requests):
            self._unit(f"r{i}", "", request.class_name, request.where).request = True
        while pending := [u for u in self.units.values() if u.state == "pending"]:
            for unit in pending:
                self._lower_unit(unit)
        return _Hoister(self.units, self.names, self.requests).plan()

    def unfaithful(self) -> tuple[Unfaithful, ...]:
        found: list[Unfaithful] = []
        for i, request in enumerate(self.requests):
            for key in self._reachable(self.by_location[(f"r{i}", "")]):
                unit = self.units[key]
                for path, reason in unit.flags:
                    pointer = ".".join(p for p in (unit.prefix, path) if p).replace(
                        ".[", "["
                    )
                    entry = Unfaithful(
                        request.class_name, request.tool, pointer, reason
                    )
                    if entry not in found:
                        found.append(entry)
        return tuple(found)

    def _reachable(self, start: str) -> list[str]:
        seen = [start]
        for key in seen:
            seen.extend(sorted(d for d in self.units[key].deps if d not in seen))
        return seen

    def _unit(self, doc: str, pointer: str, name: str | None, prefix: str) -> _Unit:
        location = (doc, pointer)
        if location in self.by_location:
            return self.units[self.by_location[location]]
        key = f"McpmintDef{len(self.units)}"
        unit = _Unit(key, name or "", doc, pointer, prefix)
        self.units[key] = unit
        self.by_location[location] = key
        return unit

    def _lower_unit(self, unit: _Unit) -> None:
        unit.state = "lowering"
        at = _At(unit.doc, unit.pointer, unit.key, ())
        node = self._lookup(unit.doc, unit.pointer)
        body = self._lower(node, at)
        if isinstance(node, Mapping) and isinstance(node.get("description"), str):
            body = {**body, "description": node["description"]}
        unit.body = body
        unit.state = "done"

    def _lookup(self, doc: str, pointer: str) -> Any:
        node = self.docs[doc]
        for token in pointer.split("/")[1:]:
            token = _unescape(token)
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise KeyError(pointer)
        return node

    def _flag(self, at: _At, keyword: str, reason: str) -> None:
        path = ".".join(at.path + ((keyword,) if keyword else ())).replace(".[", "[")
        flag = (path, reason)
        unit = self.units[at.unit]
        if flag not in unit.flags:
            unit.flags.append(flag)

    # -- jsonschema, for enum values and defaults --------------------------------------

    def _registry(self) -> Registry[Any]:
        resources = []
        for doc, contents in self.docs.items():
            if doc != "defs":
                contents = dict(contents)
                contents.pop("$id", None)
                contents.pop("$schema", None)
                contents["$defs"] = {
                    **self.spec_defs,
                    **dict(contents.get("$defs", {})),
                }
            resources.append(
                (f"urn:mcpmint:{doc}", DRAFT202012.create_resource(contents))
            )
        return Registry().with_resources(resources)

    def _valid(self, at: _At, value: Any) -> bool:
        location = (at.doc, at.pointer)
        if location not in self.validators:
            ref = f"urn:mcpmint:{at.doc}#{quote(at.pointer, safe='/~')}"
            self.validators[location] = Draft202012Validator(
                {"$ref": ref}, registry=self.registry
            )
        try:
            return bool(self.validators[location].is_valid(value))
        except Exception:  # a dangling $ref, a broken pattern: the value is not proven
            return False

    # -- references --------------------------------------------------------------------

    def _resolve(self, ref: Any, at: _At) -> tuple[str, str] | None:
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        pointer = unquote(ref[1:])
        if pointer and not pointer.startswith("/"):  # an `$anchor`: not supported
            return None
        doc = at.doc
        tokens = [_unescape(t) for t in pointer.split("/")[1:]]
        if doc != "defs" and len(tokens) >= 2 and tokens[0] == "$defs":
            local = self.docs[doc].get("$defs")
            if not (isinstance(local, Mapping) and tokens[1] in local):
                doc = "defs"
        try:
            self._lookup(doc, pointer)
        except KeyError:
            return None
        return doc, pointer

    def _lower_ref(self, ref: Any, at: _At) -> dict[str, Any]:
        location = self._resolve(ref, at)
        if location is None:
            self._flag(at, "$ref", f"unresolvable $ref {ref!r}: any value is accepted")
            return {}
        doc, pointer = location
        tokens = [_unescape(t) for t in pointer.split("/")[1:]]
        if doc == "defs" and len(tokens) == 2:
            name, prefix = self.def_names[tokens[1]], f"$defs.{tokens[1]}"
        elif doc == "defs":
            name, prefix = None, "$defs." + ".".join(tokens[1:])
        else:
            request = self.requests[int(doc[1:])]
            name, prefix = None, ".".join([request.where, *tokens])
        unit = self._unit(doc, pointer, name, prefix)
        if not unit.name:
            owner = self.requests[int(doc[1:])].class_name if doc != "defs" else ""
            words = tokens[1:] if tokens[:1] == ["$defs"] else tokens[-2:] or ["root"]
            unit.name = self.names.take(owner + "".join(map(_pascal, words[-2:])))
        self.units[at.unit].deps.add(unit.key)
        return {"$ref": unit.key}

    def _deref(self, node: dict[str, Any]) -> dict[str, Any] | None:
        unit = self.units[node["$ref"]]
        if unit.state == "pending":
            self._lower_unit(unit)
        if unit.state != "done" or unit.body is None:
            return None
        return unit.body

    # -- nodes -------------------------------------------------------------------------

    def _lower(self, node: Any, at: _At) -> dict[str, Any]:
        if node is True:
            return {}
        if node is False:
            return dict(_NEVER)
        if not isinstance(node, Mapping):
            self._flag(at, "", "not a schema: any value is accepted")
            return {}
        values = self._candidates(node, at.doc, 0)
        if values is not None:
            return self._lower_values([v for v in values if self._valid(at, v)])
        for keyword, reason in _UNSUPPORTED.items():
            if keyword in node:
                self._flag(at, keyword, reason)
        if "$id" in node and at.pointer:
            self._flag(at, "$id", "embedded `$id` is ignored")
        parts = []
        if "$ref" in node:
            parts.append(self._lower_ref(node["$ref"], at))
        parts.append(self._lower_typed(node, at))
        for i, sub in enumerate(_list(node.get("allOf"))):
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
        for sub in _list(node.get("allOf")):
            if (found := self._candidates(sub, doc, depth + 1)) is not None:
                return found
        pure_ref = depth == 0 and set(node) <= _ANNOTATION_KEYWORDS | {"$ref"}
        location = (
            None if pure_ref else self._resolve(node.get("$ref"), _At(doc, "", "", ()))
        )
        if location is not None:
            target = self._lookup(*location)
            if (found := self._candidates(target, location[0], depth + 1)) is not None:
                return found
        for keyword in ("anyOf", "oneOf"):
            branches = _list(node.get(keyword))
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
            if _is_json(value) and not any(_json_equal(value, u) for u in unique):
                unique.append(value)
        literal = [
            v for v in unique if v is None or isinstance(v, str) or _small_int(v)
        ]
        others = sorted({_TYPE_OF_KIND[_kind(v)] for v in unique if v not in literal})
        if not unique or literal == [None] == unique:
            return dict(_NEVER) if not unique else {"type": "null"}
        if not others:
            return {"enum": literal}
        branches = [{"type": k} for k in others] + (
            [{"enum": literal}] if literal else []
        )
        return {**_union(branches), _CHECKS: [["enum", unique]]}

    def _lower_union(
        self, branches: list[Any], at: _At, keyword: str
    ) -> dict[str, Any]:
        lowered = [self._lower(b, at.child(keyword, i)) for i, b in enumerate(branches)]
        if keyword == "oneOf" and not self._disjoint(lowered):
            self._flag(
                at,
                keyword,
                "oneOf branches that may overlap are checked as anyOf: a value "
                "matching several branches is accepted",
            )
        return _union(lowered)

    def _lower_typed(self, node: Mapping[str, Any], at: _At) -> dict[str, Any]:
        declared = node.get("type")
        if declared is None:
            families = {
                t for t, kws in _FAMILY_KEYWORDS.items() if any(k in node for k in kws)
            }
            if not families:
                return {}
            types = list(_JSON_TYPES)
        else:
            types = [declared] if isinstance(declared, str) else list(_list(declared))
            types = [
                t for t in dict.fromkeys(types) if t in _JSON_TYPES or t == "integer"
            ]
            if "number" in types and "integer" in types:
                types.remove("integer")
            if not types:
                return dict(_NEVER)
        return _union([self._lower_single(t, node, at) for t in types])

    def _lower_single(
        self, kind: str, node: Mapping[str, Any], at: _At
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

    def _lower_string(self, node: Mapping[str, Any], at: _At) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string"}
        if (low := _bound(node.get("minLength"), up=True)) is not None and low > 0:
            out["minLength"] = low
        if (high := _bound(node.get("maxLength"), up=False)) is not None:
            out["maxLength"] = max(high, -1)
            if high < 0:
                return dict(_NEVER)
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
        return out

    def _lower_number(
        self, kind: str, node: Mapping[str, Any], at: _At
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"type": kind}
        checks: list[list[Any]] = []
        for keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            value = node.get(keyword)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self._flag(at, keyword, f"`{keyword}` is not a number: unchecked")
            elif isinstance(value, float) and not math.isfinite(value):
                self._flag(at, keyword, f"`{keyword}` is not finite: unchecked")
            elif kind == "integer":
                _integer_bound(out, keyword, value)
            else:
                out[keyword] = value
        factor = node.get("multipleOf")
        if (
            isinstance(factor, (int, float))
            and not isinstance(factor, bool)
            and factor > 0
        ):
            if math.isfinite(factor):
                checks.append(["multipleOf", factor])
        if checks:
            out[_CHECKS] = checks
        return out

    def _lower_array(self, node: Mapping[str, Any], at: _At) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array"}
        low = _bound(node.get("minItems"), up=True)
        high = _bound(node.get("maxItems"), up=False)
        prefix = _list(node.get("prefixItems"))
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
                items = True
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
                return dict(_NEVER)
            out["maxItems"] = high
        if node.get("uniqueItems") is True:
            out[_CHECKS] = [["uniqueItems"]]
        return out

    def _lower_object(self, node: Mapping[str, Any], at: _At) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        raw = node.get("properties")
        for name, sub in raw.items() if isinstance(raw, Mapping) else ():
            if isinstance(name, str):  # YAML can make a key a number or a boolean
                properties[name] = self._lower_property(
                    sub, at.child("properties", name)
                )
        required = [
            r for r in dict.fromkeys(_list(node.get("required"))) if isinstance(r, str)
        ]
        for name in required:
            properties.setdefault(name, {})
        extra: Any = node.get("additionalProperties", True)
        if "patternProperties" in node:
            extra = True
        extra = (
            extra
            if isinstance(extra, bool)
            else self._lower(extra, at.child("additionalProperties"))
        )
        extra = True if extra == {} else extra
        if extra == _NEVER:
            extra = False
        out: dict[str, Any] = {"type": "object", "properties": properties}
        out["required"] = [r for r in required if r in properties]
        out["additionalProperties"] = extra
        low = _bound(node.get("minProperties"), up=True)
        high = _bound(node.get("maxProperties"), up=False)
        if low or high is not None:
            out[_CHECKS] = [["propertyCount", low or 0, high]]
        return out

    def _lower_property(self, sub: Any, at: _At) -> dict[str, Any]:
        lowered = self._lower(sub, at)
        if not isinstance(sub, Mapping):
            return lowered
        extras: dict[str, Any] = {}
        if isinstance(sub.get("description"), str) and sub["description"].strip():
            extras["description"] = sub["description"]
        default = sub.get("default", _ABSENT)
        if (
            _is_json(default)
            and self._valid(at, default)
            and self._fits(lowered, default, 0)
        ):
            extras["default"] = default
        return {**lowered, **extras} if extras else lowered

    def _fits(self, node: dict[str, Any], value: Any, depth: int) -> bool:
        """Whether a default, written as a Python literal, fits the type mypy sees."""
        if depth > 20 or node.get(_CHECKS) == [["never"]]:
            return False
        if "anyOf" in node:
            return any(self._fits(b, value, depth + 1) for b in node["anyOf"])
        if "$ref" in node:
            target = self._deref(node)
            return target is not None and self._fits(target, value, depth + 1)
        if "enum" in node:
            return any(type(v) is type(value) and v == value for v in node["enum"])
        kind = node.get("type")
        if kind is None:
            return _CHECKS not in node
        if kind == "object":
            return (
                not node.get("properties")
                and isinstance(value, dict)
                and all(
                    self._fits(_extra_schema(node), v, depth + 1)
                    for v in value.values()
                )
            )
        if kind == "array":
            return (
                "prefixItems" not in node
                and isinstance(value, list)
                and all(self._fits(node.get("items", {}), v, depth + 1) for v in value)
            )
        if kind == "integer":
            return type(value) is int
        if kind == "number":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        return bool(_kind(value) == kind)

    def _disjoint(self, branches: list[dict[str, Any]]) -> bool:
        facts = [self._facts(b, 0) for b in branches]
        for i, (kinds_a, values_a, tags_a) in enumerate(facts):
            for kinds_b, values_b, tags_b in facts[i + 1 :]:
                if not kinds_a & kinds_b:
                    continue
                if values_a is not None and values_b is not None:
                    if not any(_json_equal(x, y) for x in values_a for y in values_b):
                        continue
                if kinds_a == kinds_b == {"object"} and any(
                    k in tags_b
                    and not any(_json_equal(x, y) for x in v for y in tags_b[k])
                    for k, v in tags_a.items()
                ):
                    continue
                return False
        return True

    def _facts(
        self, node: dict[str, Any], depth: int
    ) -> tuple[set[str], list[Any] | None, dict[str, list[Any]]]:
        """Kinds a node accepts, its values if finite, its required literals."""
        everything = {
            "null",
            "boolean",
            "string",
            "integer",
            "fraction",
            "array",
            "object",
        }
        if depth > 20:
            return everything, None, {}
        if node.get(_CHECKS) == [["never"]]:
            return set(), [], {}
        if "$ref" in node:
            target = self._deref(node)
            return (
                self._facts(target, depth + 1)
                if target is not None
                else (everything, None, {})
            )
        if "anyOf" in node:
            parts = [self._facts(b, depth + 1) for b in node["anyOf"]]
            kinds = set().union(*(p[0] for p in parts))
            values = (
                None
                if any(p[1] is None for p in parts)
                else [v for p in parts for v in p[1] or ()]
            )
            return kinds, values, {}
        if _CHECKS in node and node[_CHECKS][0][0] == "enum":
            values = node[_CHECKS][0][1]
            return {_kind(v) for v in values}, values, {}
        if "enum" in node:
            return {_kind(v) for v in node["enum"]}, node["enum"], {}
        kind = node.get("type")
        if kind is None:
            return everything, None, {}
        if kind == "number":
            return {"integer", "fraction"}, None, {}
        tags: dict[str, list[Any]] = {}
        for name in node.get("required", []) if kind == "object" else ():
            values = self._facts(node["properties"][name], depth + 1)[1]
            if values is not None:
                tags[name] = values
        return {kind}, None, tags

    # -- conjunction (allOf, $ref siblings, type with anyOf) ---------------------------

    def _conjoin(self, parts: list[dict[str, Any]], at: _At) -> dict[str, Any]:
        parts = [p for p in parts if p != {}]
        if not parts:
            return {}
        result = parts[0]
        for part in parts[1:]:
            merged = self._merge(result, part, 0)
            for ref in (result, part):
                if (
                    merged is not None
                    and "$ref" in ref
                    and _same(merged, self._deref(ref))
                ):
                    merged = (
                        ref  # the other part adds nothing: keep the shared definition
                    )
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

    def _merge(
        self, a: dict[str, Any], b: dict[str, Any], depth: int
    ) -> dict[str, Any] | None:
        if a == {} or b == {}:
            return b if a == {} else a
        if depth > 20:
            return None
        if a == _NEVER or b == _NEVER:
            return dict(_NEVER)
        for x, y in ((a, b), (b, a)):
            if "anyOf" in x:
                branches = [self._merge(branch, y, depth + 1) for branch in x["anyOf"]]
                if any(m is None for m in branches):
                    return None
                merged = _union([m for m in branches if m is not None])
                return None if len(merged.get("anyOf", ())) > _MAX_BRANCHES else merged
        for x, y in ((a, b), (b, a)):
            if "$ref" in x:
                target = self._deref(x)
                return None if target is None else self._merge(target, y, depth + 1)
        checks = _merge_checks(a.get(_CHECKS, []), b.get(_CHECKS, []))
        if checks is None or "enum" in a or "enum" in b:
            return None
        kind_a, kind_b = a.get("type"), b.get("type")
        if kind_a is None or kind_b is None or kind_a == kind_b:
            kind = kind_a or kind_b
        elif {kind_a, kind_b} == {"integer", "number"}:
            kind = "integer"
        else:
            return dict(_NEVER)  # no value has two JSON types
        merged_or_none = self._merge_keywords(kind, a, b, depth)
        if merged_or_none is None:
            return None
        merged = merged_or_none
        if kind is not None:
            merged["type"] = kind
        if checks:
            merged[_CHECKS] = checks
        return merged

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
            bounds = {k: out.pop(k) for k in _NUMBER_KEYWORDS[:4] if k in out}
            for key, value in bounds.items():
                _integer_bound(out, key, value)
        patterns = {x["pattern"] for x in (a, b) if "pattern" in x}
        if len(patterns) > 1 or "prefixItems" in a or "prefixItems" in b:
            return None
        if patterns:
            out["pattern"] = patterns.pop()
        if "items" in a or "items" in b:
            items = self._merge(a.get("items", {}), b.get("items", {}), depth + 1)
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
            left = a["properties"].get(name, _extra_schema(a))
            right = b["properties"].get(name, _extra_schema(b))
            merged = self._merge(left, right, depth + 1)
            if merged is None:
                return None
            properties[name] = merged
        extra = self._merge(_extra_schema(a), _extra_schema(b), depth + 1)
        if extra is None:
            return None
        out["properties"] = properties
        out["required"] = list(dict.fromkeys(a["required"] + b["required"]))
        out["additionalProperties"] = (
            False if extra == _NEVER else (True if extra == {} else extra)
        )
        return out


def _small_int(value: Any) -> bool:
    """An int that mypy accepts in a Literal (it wants 64 bits)."""
    return isinstance(value, int) and -(2**63) <= value < 2**63


def _is_json(value: Any) -> bool:
    """Whether a value is JSON data (YAML can also give dates, sets, NaN, ...)."""
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False


def _same(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    """Equal as schemas, ignoring descriptions."""
    if a is None or b is None:
        return False
    return _dumps({**a, "description": None}) == _dumps({**b, "description": None})


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _kind(value: Any) -> str:
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


def _bound(value: Any, *, up: bool) -> int | None:
    """A length bound as an int (JSON Schema allows 2.0; a fraction rounds inwards)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return math.ceil(value) if up else math.floor(value)


def _integer_bound(out: dict[str, Any], keyword: str, value: int | float) -> None:
    """Integer bounds as inclusive ints: x > 1.5 is x >= 2 for integers."""
    if keyword == "minimum":
        bound, key = math.ceil(value), "minimum"
    elif keyword == "exclusiveMinimum":
        bound, key = math.floor(value) + 1, "minimum"
    elif keyword == "maximum":
        bound, key = math.floor(value), "maximum"
    else:
        bound, key = math.ceil(value) - 1, "maximum"
    if key in out:
        bound = max(bound, out[key]) if key == "minimum" else min(bound, out[key])
    out[key] = bound


def _extra_schema(node: dict[str, Any]) -> dict[str, Any]:
    extra = node.get("additionalProperties", True)
    if extra is True:
        return {}
    return dict(_NEVER) if extra is False else dict(extra)


def _merge_checks(a: list[list[Any]], b: list[list[Any]]) -> list[list[Any]] | None:
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


def _union(branches: list[dict[str, Any]]) -> dict[str, Any]:
    flat: list[dict[str, Any]] = []
    for branch in branches:
        for item in branch["anyOf"] if set(branch) == {"anyOf"} else [branch]:
            if item == _NEVER:
                continue
            if item == {}:
                return {}
            if not any(_dumps(item) == _dumps(f) for f in flat):
                flat.append(item)
    if not flat:
        return dict(_NEVER)
    return flat[0] if len(flat) == 1 else {"anyOf": flat}


class _Names:
    """Class names: unique, and never a name the module imports or defines."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = set(taken) | _RESERVED

    def take(self, wanted: str) -> str:
        name = wanted if wanted not in self.taken else wanted + "Model"
        number = 2
        while name in self.taken:
            name, number = f"{wanted}Model{number}", number + 1
        self.taken.add(name)
        return name


# Names the finished module imports or defines; a generated class never takes one.
_RESERVED = frozenset(
    "Annotated Any ClassVar Dict List Literal Optional Union TypeAlias TypeAliasType "
    "TypeVar BaseModel ConfigDict Field RootModel MISSING StrictStr StrictInt "
    "StrictFloat StrictBool StrictBytes BeforeValidator WrapValidator Fraction "
    "ValidatorFunctionWrapHandler Model None True False Ellipsis NotImplemented "
    "ValueError TypeError Exception OverflowError".split()
)


class _Hoister:
    """Lowered units as `$defs` entries: classes, and named aliases for checks."""

    def __init__(
        self,
        units: Mapping[str, _Unit],
        names: _Names,
        requests: Sequence[ModelRequest],
    ) -> None:
        self.units = units
        self.names = names
        self.requests = requests
        self.defs: list[_Def] = []

    def plan(self) -> _Plan:
        for unit in self.units.values():
            assert unit.body is not None
            body = {k: v for k, v in unit.body.items() if k not in (_CHECKS, "default")}
            emitted = self._children(
                body, unit.name, unit.key, root=not _is_class(body)
            )
            checks = list(unit.body.get(_CHECKS, []))
            self.defs.append(_Def(unit.key, unit.name, emitted, checks, unit.request))
        return _Plan(self.defs)

    def _emit(
        self, node: dict[str, Any], name: str, owner: str, slot: str
    ) -> dict[str, Any]:
        """A child node: inline, or a `$ref` to a new definition (a class, a checked
        alias, or a constrained type that codegen would otherwise name itself)."""
        extras: dict[str, Any] = {
            k: node[k] for k in ("description", "default") if k in node
        }
        checks = node.get(_CHECKS, [])
        bare = {
            k: v
            for k, v in node.items()
            if k not in (_CHECKS, "description", "default")
        }
        constrained = slot != "property" and any(k in bare for k in _CONSTRAINTS)
        if not (_is_class(bare) or checks or constrained):
            return {**self._children(bare, name, owner, root=False), **extras}
        key = f"McpmintHoisted{len(self.defs)}"
        final = self.names.take(name)
        entry = _Def(key, final, {}, checks)
        self.defs.append(entry)
        entry.schema = self._children(bare, final, key, root=not _is_class(bare))
        return {"$ref": f"#/$defs/{key}", **extras}

    def _children(
        self, node: dict[str, Any], name: str, owner: str, root: bool
    ) -> dict[str, Any]:
        out = dict(node)
        if "$ref" in out:
            out["$ref"] = f"#/$defs/{out['$ref']}"
        if "anyOf" in out:
            named = [b for b in out["anyOf"] if b != {"type": "null"}]
            out["anyOf"] = [
                self._emit(
                    b,
                    name if len(named) == 1 else f"{name}Option{i + 1}",
                    owner,
                    "branch",
                )
                for i, b in enumerate(out["anyOf"])
            ]
        if isinstance(out.get("items"), dict):
            items = self._emit(out["items"], f"{name}Item", owner, "items")
            if root and _refers(items, owner):
                # codegen types `K = list[K]` as a bare `list`: name the items.
                items = self._alias(items, f"{name}Item")
            out["items"] = items
        if "prefixItems" in out:
            out["prefixItems"] = [
                self._emit(s, f"{name}Item{i + 1}", owner, "items")
                for i, s in enumerate(out["prefixItems"])
            ]
        if isinstance(out.get("properties"), dict):
            out["properties"] = {
                k: self._emit(v, name + _pascal(k), owner, "property")
                for k, v in out["properties"].items()
            }
            if not out["properties"]:
                del out["properties"]
        if not out.get("required", True):
            del out["required"]
        if isinstance(out.get("additionalProperties"), dict):
            out["additionalProperties"] = self._emit(
                out["additionalProperties"], f"{name}Value", owner, "value"
            )
        return out

    def _alias(self, node: dict[str, Any], name: str) -> dict[str, Any]:
        key = f"McpmintHoisted{len(self.defs)}"
        self.defs.append(_Def(key, self.names.take(name), node, []))
        return {"$ref": f"#/$defs/{key}"}


def _is_class(node: Mapping[str, Any]) -> bool:
    return node.get("type") == "object" and bool(node.get("properties"))


def _refers(node: Any, key: str) -> bool:
    if isinstance(node, dict):
        if node.get("$ref") == f"#/$defs/{key}":
            return True
        return any(_refers(v, key) for v in node.values())
    if isinstance(node, list):
        return any(_refers(v, key) for v in node)
    return False


# --------------------------------------------------------------------------------------
# Code generation: one datamodel-code-generator call for the whole spec.


def _generate(plan: _Plan) -> str:
    from datamodel_code_generator import (
        GenerateConfig,
        InputFileType,
        LiteralType,
        PythonVersion,
        TargetPydanticVersion,
        generate,
    )
    from datamodel_code_generator.enums import DataModelType, StrictTypes
    from datamodel_code_generator.format import Formatter

    document = json.loads(json.dumps({"$defs": {d.key: d.schema for d in plan.defs}}))
    assert _CHECKS not in json.dumps(document)
    config = GenerateConfig(
        input_file_type=InputFileType.JsonSchema,
        schema_version="2020-12",
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        target_pydantic_version=TargetPydanticVersion.V2_14,
        formatters=[Formatter.BUILTIN],
        disable_timestamp=True,
        skip_root_model=True,
        use_annotated=True,
        use_missing_sentinel=True,
        strict_nullable=True,
        strict_types=[
            StrictTypes.str,
            StrictTypes.int,
            StrictTypes.float,
            StrictTypes.bool,
        ],
        enum_field_as_literal=LiteralType.All,
        use_type_alias=True,
        use_tuple_for_closed_arrays=True,
        use_schema_description=True,
        use_field_description=True,
        model_name_map={f"#/$defs/{d.key}": d.key for d in plan.defs},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its advice about options is not for our users
        result = generate(document, config=config)
    assert isinstance(result, str)
    return result


# --------------------------------------------------------------------------------------
# Finishing: the generated AST, renamed and made exact, printed with our own preamble.

_MODULE_DOCSTRING = '''\
"""Pydantic models of the tools' inputs and outputs, from their schemas.

Validate wire data with `Model.model_validate(data)`: a model accepts what its JSON
Schema accepts (where it cannot, mcpmint validates with jsonschema first). Serialize
with `model.model_dump(mode="json", by_alias=True, exclude_unset=True)`: wire names,
unknown properties kept, and only what was set, so validated data comes back as it
came in (defaults a client left out stay out). An absent optional property is
`MISSING`, not None (None is JSON null). Integers accept 1.0 (kept as 1) but never "1"
or true; numbers keep their int or float kind; patterns are Python regular
expressions, searched as jsonschema does. Properties whose names are not identifiers
are set by wire name: `Model.model_validate({"class": ...})`.
"""'''

# Definitions the finished module may need: name → (imports, other helpers, source).
_HELPERS: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...], str]] = {
    "_JsonModel": (
        (("pydantic", "BaseModel"), ("pydantic", "ConfigDict")),
        (),
        '''
class _JsonModel(BaseModel):
    """Unknown properties kept, patterns searched with Python's re, wire names out."""

    model_config = ConfigDict(
        extra="allow",
        protected_namespaces=(),
        regex_engine="python-re",
        serialize_by_alias=True,
    )
''',
    ),
    "_JsonInt": (
        (("typing", "Annotated"), ("typing", "Any"), ("typing", "TypeAlias")),
        (),
        """
def _integral_float_as_int(value: Any) -> Any:
    # JSON Schema counts 1.0 as an integer; the strict int still rejects "1" and true.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_JsonInt: TypeAlias = Annotated[StrictInt, BeforeValidator(_integral_float_as_int)]
""",
    ),
    "_JsonNumber": (
        (
            ("typing", "TypeAlias"),
            ("pydantic", "StrictFloat"),
            ("pydantic", "StrictInt"),
        ),
        (),
        """
_JsonNumber: TypeAlias = StrictInt | StrictFloat
""",
    ),
    "_JsonLiteral": (
        (("typing", "Annotated"), ("typing", "Any"), ("typing", "TypeAlias")),
        (),
        """
_T = TypeVar("_T")


def _same_json_type(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # A Literal alone takes true for 1 (or 1.0) and 1 for true; JSON keeps them apart.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = handler(value)
    if isinstance(value, bool) is not isinstance(result, bool):
        raise ValueError("booleans and numbers are different JSON values")
    return result


_JsonLiteral: TypeAlias = Annotated[_T, WrapValidator(_same_json_type)]
""",
    ),
    "_json_key": (
        (("typing", "Any"), ("pydantic", "BaseModel")),
        (),
        """
def _json_key(value: Any) -> Any:
    # Equal keys for equal JSON values: 1 and 1.0 alike, true apart from 1.
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, bool) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, (list, tuple)):
        return ("array", tuple(map(_json_key, value)))
    if isinstance(value, dict):
        return ("object", frozenset((k, _json_key(v)) for k, v in value.items()))
    return ("number" if isinstance(value, (int, float)) else "string", value)
""",
    ),
    "_unique_items": (
        (("typing", "Any"),),
        ("_json_key",),
        """
def _unique_items(value: Any) -> Any:
    if isinstance(value, list):
        seen: set[Any] = set()
        for index, item in enumerate(value):
            key = _json_key(item)
            if key in seen:
                raise ValueError(f"item {index} repeats an earlier item (uniqueItems)")
            seen.add(key)
    return value
""",
    ),
    "_MultipleOf": (
        (("typing", "Any"), ("fractions", "Fraction")),
        (),
        '''
class _MultipleOf:
    """multipleOf as jsonschema computes it: a float factor divides, an int takes %."""

    def __init__(self, factor: float) -> None:
        self.factor = factor

    def __call__(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value
        if isinstance(self.factor, int):
            whole = not value % self.factor
        else:
            try:
                quotient = value / self.factor
                whole = int(quotient) == quotient
            except OverflowError:
                whole = (Fraction(value) / Fraction(self.factor)).denominator == 1
        if not whole:
            raise ValueError(f"not a multiple of {self.factor}")
        return value
''',
    ),
    "_OneOf": (
        (("typing", "Any"),),
        ("_json_key",),
        '''
class _OneOf:
    """enum/const values a Literal cannot hold (fractions, objects, arrays)."""

    def __init__(self, *values: Any) -> None:
        self.values = values
        self.keys = frozenset(map(_json_key, values))

    def __call__(self, value: Any) -> Any:
        if _json_key(value) not in self.keys:
            raise ValueError(f"not one of {list(self.values)!r}")
        return value
''',
    ),
    "_reject": (
        (("typing", "Any"),),
        (),
        """
def _reject(value: Any) -> Any:
    raise ValueError("no value is valid here")
""",
    ),
    "_PropertyCount": (
        (("typing", "Any"),),
        (),
        '''
class _PropertyCount:
    """minProperties / maxProperties."""

    def __init__(self, minimum: int, maximum: int | None) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) < self.minimum:
                raise ValueError(f"fewer than {self.minimum} properties")
            if self.maximum is not None and len(value) > self.maximum:
                raise ValueError(f"more than {self.maximum} properties")
        return value
''',
    ),
}
# Names injected code uses, and where they come from when codegen has not imported them.
_INJECTED_IMPORTS = {
    "Annotated": "typing",
    "Any": "typing",
    "TypeAlias": "typing",
    "TypeVar": "typing",
    "Union": "typing",
    "Fraction": "fractions",
    "BaseModel": "pydantic",
    "BeforeValidator": "pydantic",
    "ConfigDict": "pydantic",
    "RootModel": "pydantic",
    "StrictFloat": "pydantic",
    "StrictInt": "pydantic",
    "ValidatorFunctionWrapHandler": "pydantic",
    "WrapValidator": "pydantic",
    "model_validator": "pydantic",
}
_SCALARS = {
    ("pydantic", "StrictInt"): "_JsonInt",
    ("pydantic", "StrictFloat"): "_JsonNumber",
    ("typing", "Dict"): "dict",
    ("typing", "List"): "list",
}
_STRING_CHUNK = 56
_DOC_WIDTH = 80
_Node = TypeVar("_Node", bound=ast.AST)


class _Finisher:
    """Rewrites datamodel-code-generator's module into the final models module."""

    def __init__(self, plan: _Plan) -> None:
        self.defs = {d.key: d for d in plan.defs}
        self.local: dict[str, tuple[str, str]] = {}  # local name → (module, name)
        self.rename: dict[str, str] = {}  # codegen's definition names → final names
        self.classes: set[str] = set()
        self.string_names: set[str] = set()  # names used inside forward references

    def finish(self, raw: str) -> str:
        module = ast.parse(raw)
        imports: set[tuple[str, str, str | None]] = set()
        body: list[ast.stmt] = []
        for stmt in module.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.module != "__future__":
                imports |= {(stmt.module or "", a.name, a.asname) for a in stmt.names}
            elif not isinstance(stmt, ast.ImportFrom):
                body.append(stmt)
        self.local = {asname or name: (mod, name) for mod, name, asname in imports}
        self.rename = self._renames(body)
        if missing := set(self.defs) - set(self.rename):
            raise RuntimeError(
                f"datamodel-code-generator dropped definitions {sorted(missing)}"
            )
        body = [self._request(self._statement(stmt)) for stmt in body]
        return self._print(body, imports)

    def _renames(self, body: list[ast.stmt]) -> dict[str, str]:
        """Final names for placeholders; codegen's own names unless they collide."""
        names = _Names({d.name for d in self.defs.values()} | set(self.local))
        rename = {}
        for stmt in body:
            if (name := _defined_name(stmt)) is not None:
                rename[name] = (
                    self.defs[name].name if name in self.defs else names.take(name)
                )
        return rename

    def _names(self, node: _Node) -> _Node:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in self.rename:
                sub.id = self.rename[sub.id]
        return node

    # -- type expressions --------------------------------------------------------------

    def _type(self, node: ast.expr) -> ast.expr:
        """A type with JSON scalars, literals that tell true from 1, final names."""
        if isinstance(node, ast.Name):
            scalar = _SCALARS.get(self.local.get(node.id, ("", "")))
            return ast.Name(scalar or self.rename.get(node.id, node.id), ast.Load())
        if isinstance(node, ast.Constant) and isinstance(
            node.value, str
        ):  # forward reference
            inner = self._type(ast.parse(node.value, mode="eval").body)
            self.string_names |= {
                n.id for n in ast.walk(inner) if isinstance(n, ast.Name)
            }
            return ast.Constant(ast.unparse(inner))
        if isinstance(node, ast.Subscript):
            origin = self.local.get(_name(node.value))
            if origin in (("typing", "Optional"), ("typing", "Union")):
                return self._union(
                    _elements(node.slice), origin == ("typing", "Optional")
                )
            if origin == ("typing", "Literal"):
                values = [ast.literal_eval(v) for v in _elements(node.slice)]
                if any(isinstance(v, int) for v in values):
                    return ast.Subscript(
                        ast.Name("_JsonLiteral", ast.Load()), node, ast.Load()
                    )
                return node
            return ast.Subscript(
                self._type(node.value), self._type(node.slice), ast.Load()
            )
        if isinstance(node, ast.Tuple):
            return ast.Tuple([self._type(e) for e in node.elts], ast.Load())
        if isinstance(node, ast.BinOp):
            return ast.BinOp(self._type(node.left), node.op, self._type(node.right))
        return _split_strings(self._names(node))  # Field(...) and other metadata

    def _union(self, elements: list[ast.expr], optional: bool) -> ast.expr:
        """`Union[a, b]`/`Optional[a]` as `a | b | None`, as ruff's UP007 wants, except
        around forward references: a string cannot take part in `|` at runtime."""
        members: list[ast.expr] = []
        for element in elements:
            typed = self._type(element)
            if isinstance(typed, ast.Subscript) and _name(typed.value) == "Union":
                members += _elements(typed.slice)
            else:
                members.append(typed)
        nones = [m for m in members if isinstance(m, ast.Constant) and m.value is None]
        members = [m for m in members if m not in nones]
        members += [ast.Constant(None)] if nones or optional else []
        if any(
            isinstance(m, ast.Constant) and isinstance(m.value, str) for m in members
        ):
            return _subscript("Union", members)
        result = members[0]
        for member in members[1:]:
            result = ast.BinOp(result, ast.BitOr(), member)
        return result

    # -- statements --------------------------------------------------------------------

    def _statement(self, stmt: ast.stmt) -> ast.stmt:
        if isinstance(stmt, ast.ClassDef):
            return self._class(stmt)
        if (name := _defined_name(stmt)) is None:
            return self._names(stmt)
        assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
        value = self._type(stmt.value.args[1])
        checks = [_validator(c) for c in self._checks(name)]
        annotated = self.local.get(_name(getattr(value, "value", value)))
        if checks and annotated == ("typing", "Annotated"):
            assert isinstance(value, ast.Subscript)
            value.slice = ast.Tuple([*_elements(value.slice), *checks], ast.Load())
        elif checks:
            value = _subscript("Annotated", [value, *checks])
        final = self.rename[name]
        call = ast.Call(stmt.value.func, [ast.Constant(final), value], [])
        return ast.Assign([ast.Name(final, ast.Store())], call, lineno=0)

    def _checks(self, name: str) -> list[list[Any]]:
        entry = self.defs.get(name)
        return entry.checks if entry is not None else []

    def _class(self, cls: ast.ClassDef) -> ast.ClassDef:
        head: list[ast.stmt] = []  # docstring, config, extra properties, checks
        fields: list[ast.stmt] = []
        for stmt in cls.body:
            target = _name(stmt.targets[0]) if isinstance(stmt, ast.Assign) else ""
            if target == "__annotations__":  # codegen's way to type extra properties
                assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Dict)
                head.append(
                    _annotation("__pydantic_extra__", self._type(stmt.value.values[0]))
                )
            elif isinstance(stmt, ast.AnnAssign):
                stmt.annotation = self._type(stmt.annotation)
                if stmt.value is not None:
                    stmt.value = _split_strings(self._names(stmt.value))
                fields.append(stmt)
            elif target == "model_config" or (
                _docstring(stmt) is not None and not fields
            ):
                head.insert(len(head) if target else 0, stmt)
            else:
                fields.append(self._names(stmt))
        for check in self._checks(cls.name):
            validator = _call("model_validator", [], mode=ast.Constant("before"))
            head.append(
                _assign("_check_json_schema", _call(validator, [_check(check)]))
            )
        bases = [
            ast.Name("_JsonModel", ast.Load())
            if self.local.get(_name(b)) == ("pydantic", "BaseModel")
            else self._type(b)
            for b in cls.bases
        ]
        self.classes.add(self.rename[cls.name])
        return _class_def(self.rename[cls.name], bases, head + fields)

    def _request(self, stmt: ast.stmt) -> ast.stmt:
        """A request gets a class even if its schema is not an object."""
        name = _defined_name(stmt)
        key = next((k for k, v in self.rename.items() if v == name), "")
        if (
            not isinstance(stmt, ast.Assign)
            or key not in self.defs
            or not self.defs[key].request
        ):
            return stmt
        assert name is not None and isinstance(stmt.value, ast.Call)
        value = stmt.value.args[1]
        self.classes.add(name)
        if isinstance(value, ast.Name) and value.id in self.classes:
            return _class_def(name, [value], [])
        if isinstance(value, ast.Subscript) and _name(value.value) == "dict":
            # A map of typed values: a model whose extra properties are those values.
            extra = _annotation("__pydantic_extra__", value)
            return _class_def(name, [ast.Name("_JsonModel", ast.Load())], [extra])
        config = _call("ConfigDict", [], regex_engine=ast.Constant("python-re"))
        body = [_assign("model_config", config), _annotation("root", value)]
        return _class_def(name, [_subscript("RootModel", [value])], body)

    # -- printing ----------------------------------------------------------------------

    def _print(
        self, body: list[ast.stmt], imports: set[tuple[str, str, str | None]]
    ) -> str:
        used = {
            n.id for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Name)
        }
        helpers = _helpers_for(used | self.string_names)
        preamble = "\n\n\n".join(source.strip("\n") for _, source in helpers)
        used |= self.string_names | {
            n.id for n in ast.walk(ast.parse(preamble)) if isinstance(n, ast.Name)
        }
        kept = {(m, n, a) for m, n, a in imports if (a or n) in used}
        provided = {a or n for _, n, a in kept}
        kept |= {
            (_INJECTED_IMPORTS[n], n, None)
            for n in used - provided
            if n in _INJECTED_IMPORTS
        }
        code = _print_body(body)
        parts = [
            _MODULE_DOCSTRING,
            "from __future__ import annotations",
            _import_block(kept),
        ]
        text = "\n\n".join([*parts, preamble, code]) + "\n"
        if "McpmintDef" in text or "McpmintHoisted" in text:
            raise RuntimeError("a placeholder name survived finishing")
        return text


def _defined_name(stmt: ast.stmt) -> str | None:
    """The name a class or a `X = TypeAliasType("X", ...)` statement defines."""
    if isinstance(stmt, ast.ClassDef):
        return stmt.name
    if (
        isinstance(stmt, ast.Assign)
        and isinstance(stmt.value, ast.Call)
        and _name(stmt.value.func) == "TypeAliasType"
        and isinstance(stmt.targets[0], ast.Name)
    ):
        return stmt.targets[0].id
    return None


def _name(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else ""


def _elements(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


def _docstring(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        if isinstance(stmt.value.value, str):
            return stmt.value.value
    return None


def _call(func: str | ast.expr, args: list[ast.expr], **keywords: ast.expr) -> ast.Call:
    callee = ast.Name(func, ast.Load()) if isinstance(func, str) else func
    return ast.Call(callee, args, [ast.keyword(k, v) for k, v in keywords.items()])


def _subscript(name: str, items: list[ast.expr]) -> ast.Subscript:
    index = items[0] if len(items) == 1 else ast.Tuple(items, ast.Load())
    return ast.Subscript(ast.Name(name, ast.Load()), index, ast.Load())


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, ast.Store())], value, lineno=0)


def _annotation(name: str, annotation: ast.expr) -> ast.AnnAssign:
    return ast.AnnAssign(ast.Name(name, ast.Store()), annotation, None, simple=1)


def _class_def(name: str, bases: list[ast.expr], body: list[ast.stmt]) -> ast.ClassDef:
    node = ast.ClassDef(name, bases, [], body or [ast.Pass()], [])
    if "type_params" in ast.ClassDef._fields:  # Python 3.12+
        node.type_params = []  # type: ignore[attr-defined, unused-ignore]
    return node


def _literal(value: Any) -> ast.expr:
    if isinstance(value, list):
        return ast.List([_literal(v) for v in value], ast.Load())
    if isinstance(value, dict):
        return ast.Dict(
            [ast.Constant(k) for k in value], [_literal(v) for v in value.values()]
        )
    return ast.Constant(value)


def _check(check: list[Any]) -> ast.expr:
    """The callable that performs one runtime check."""
    kind, args = check[0], check[1:]
    if kind == "uniqueItems":
        return ast.Name("_unique_items", ast.Load())
    if kind == "never":
        return ast.Name("_reject", ast.Load())
    if kind == "enum":
        return _split_strings(_call("_OneOf", [_literal(v) for v in args[0]]))
    if kind == "multipleOf":
        return _call("_MultipleOf", [ast.Constant(args[0])])
    return _call("_PropertyCount", [ast.Constant(a) for a in args])


def _validator(check: list[Any]) -> ast.expr:
    return _call("BeforeValidator", [_check(check)])


def _split_strings(node: _Node) -> _Node:
    """Long strings as `"..." + "..."`: black cannot wrap a string; ruff wants 88."""

    class Splitter(ast.NodeTransformer):
        def visit_Subscript(self, sub: ast.Subscript) -> ast.AST:
            return (
                sub  # type expressions (Literal values, forward references) stay whole
            )

        def visit_Constant(self, const: ast.Constant) -> ast.AST:
            if (
                not isinstance(const.value, str)
                or len(repr(const.value)) <= _STRING_CHUNK
            ):
                return const
            chunks = _chunks(const.value)
            result: ast.expr = ast.Constant(chunks[0])
            for chunk in chunks[1:]:
                result = ast.BinOp(result, ast.Add(), ast.Constant(chunk))
            return result

    # A whole node may be a long string itself (a default value): it becomes a BinOp.
    result: Any = Splitter().visit(node)
    return cast(_Node, result)


def _chunks(text: str) -> list[str]:
    chunks, current = [], ""
    for char in text:
        if len(repr(current + char)) > _STRING_CHUNK:
            chunks.append(current)
            current = ""
        current += char
    return [*chunks, current]


def _print_body(body: list[ast.stmt]) -> str:
    """Top-level statements, two blank lines apart; attribute docstrings attached."""
    text = ""
    for stmt in body:
        separator = "\n" if _docstring(stmt) is not None else "\n\n\n"
        text += (separator if text else "") + _print_statement(stmt, 0)
    return text


def _print_statement(stmt: ast.stmt, indent: int) -> str:
    if (doc := _docstring(stmt)) is not None:
        return _print_docstring(doc, indent)
    if isinstance(stmt, ast.ClassDef):
        bases = ", ".join(ast.unparse(b) for b in stmt.bases)
        members = "\n".join(_print_statement(s, indent + 4) for s in stmt.body)
        return f"{' ' * indent}class {stmt.name}({bases}):\n{members}"
    return textwrap.indent(ast.unparse(stmt), " " * indent)


def _print_docstring(text: str, indent: int) -> str:
    """A description as a docstring wrapped to fit, escaped so that any text is safe."""
    pad = " " * indent
    lines: list[str] = []
    for line in inspect.cleandoc(text).splitlines():
        width = _DOC_WIDTH - indent
        lines += textwrap.wrap(
            line, width, break_long_words=False, break_on_hyphens=False
        ) or [""]
    body = "\n".join(pad + line if line else "" for line in lines)
    body = body.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = "".join(
        c if c.isprintable() or c == "\n" else f"\\u{ord(c):04x}" for c in body
    )
    if body.endswith('"'):
        body += " "
    return f'{pad}"""\n{body}\n{pad}"""'


def _helpers_for(used: set[str]) -> list[tuple[str, str]]:
    """The helper definitions the body uses (and those they use), in a fixed order."""
    wanted = {"_JsonModel"} | (used & set(_HELPERS))
    wanted |= {need for name in wanted for need in _HELPERS[name][1]}
    return [(name, _HELPERS[name][2]) for name in _HELPERS if name in wanted]


def _import_block(imports: set[tuple[str, str, str | None]]) -> str:
    """Imports sorted as ruff's isort wants them: standard library, then third party."""
    sections: list[list[str]] = [[], []]
    for module in sorted({m for m, _, _ in imports}):
        section = sections[0 if module.split(".")[0] in sys.stdlib_module_names else 1]
        section += from_imports(module, {(n, a) for m, n, a in imports if m == module})
    return "\n\n".join("\n".join(s) for s in sections if s)


def from_imports(module: str, names: Iterable[tuple[str, str | None]]) -> list[str]:
    """`from module import ...` statements as ruff's isort writes them: the plain names
    (alias None) in one statement, each renamed one in its own, ordered by their first
    name, plain before renamed."""
    unique = set(names)
    plain = sorted({n for n, a in unique if a is None}, key=_import_key)
    # (key of the first name, plain before renamed, text)
    lines = (
        [(_import_key(plain[0]), 0, f"from {module} import {', '.join(plain)}")]
        if plain
        else []
    )
    for name, alias in sorted((n, a) for n, a in unique if a is not None):
        lines.append((_import_key(name), 1, f"from {module} import {name} as {alias}"))
    return [line for *_, line in sorted(lines)]


def _import_key(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions."""
    if name.isupper() and len(name) > 1:
        return 0, name
    return (1 if name[0].isupper() else 2), name
