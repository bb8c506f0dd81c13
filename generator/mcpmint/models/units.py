"""The lowering's state: the documents, their named units, and `$ref`s between them.

Each request schema is a document (`r0`, `r1`, ...) and the spec's `$defs` another
(`defs`). Every place a `$ref` points to becomes a unit, lowered once and given a class
name; jsonschema, on the same documents, decides which enum values and defaults are
valid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, unquote

from jsonschema import (  # type: ignore[import-untyped, unused-ignore]
    Draft202012Validator,
)
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from mcpmint.schema.walk import unescape_pointer as unescape

from .data import ModelRequest, Unfaithful
from .facts import Facts
from .merging import Merger
from .names import Names, pascal
from .plan import At, Unit


class LoweringState:
    """Documents, units and flags; `_lower` (one node) is the subclass's."""

    def __init__(
        self, requests: Sequence[ModelRequest], defs: Mapping[str, Any]
    ) -> None:
        self.requests = list(requests)
        self.spec_defs = dict(defs)
        self.docs: dict[str, Any] = {"defs": {"$defs": self.spec_defs}}
        self.units: dict[str, Unit] = {}
        self.by_location: dict[tuple[str, str], str] = {}
        self.names = Names({r.class_name for r in self.requests})
        self.validators: dict[tuple[str, str], Draft202012Validator] = {}
        for i, request in enumerate(self.requests):
            self.docs[f"r{i}"] = dict(request.schema)
        self.registry = self._registry()
        self.def_names = {
            name: self.names.take(pascal(str(name))) for name in self.spec_defs
        }
        self.facts = Facts(self._deref)
        self.merger = Merger(self._deref)

    def _lower(self, node: Any, at: At) -> dict[str, Any]:
        raise NotImplementedError

    # -- units -------------------------------------------------------------------------

    def unfaithful(self) -> tuple[Unfaithful, ...]:
        """Where the models are looser than the schemas, per request, in order."""
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

    def _unit(self, doc: str, pointer: str, name: str | None, prefix: str) -> Unit:
        location = (doc, pointer)
        if location in self.by_location:
            return self.units[self.by_location[location]]
        key = f"McpmintDef{len(self.units)}"
        unit = Unit(key, name or "", doc, pointer, prefix)
        self.units[key] = unit
        self.by_location[location] = key
        return unit

    def _lower_unit(self, unit: Unit) -> None:
        unit.state = "lowering"
        at = At(unit.doc, unit.pointer, unit.key, ())
        node = self._lookup(unit.doc, unit.pointer)
        body = self._lower(node, at)
        if isinstance(node, Mapping) and isinstance(node.get("description"), str):
            body = {**body, "description": node["description"]}
        unit.body = body
        unit.state = "done"

    def _lookup(self, doc: str, pointer: str) -> Any:
        node = self.docs[doc]
        for token in pointer.split("/")[1:]:
            token = unescape(token)
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise KeyError(pointer)
        return node

    def _flag(self, at: At, keyword: str, reason: str) -> None:
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

    def _valid(self, at: At, value: Any) -> bool:
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

    def _resolve(self, ref: Any, at: At) -> tuple[str, str] | None:
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        pointer = unquote(ref[1:])
        if pointer and not pointer.startswith("/"):  # an `$anchor`: not supported
            return None
        doc = at.doc
        tokens = [unescape(t) for t in pointer.split("/")[1:]]
        if doc != "defs" and len(tokens) >= 2 and tokens[0] == "$defs":
            local = self.docs[doc].get("$defs")
            if not (isinstance(local, Mapping) and tokens[1] in local):
                doc = "defs"
        try:
            self._lookup(doc, pointer)
        except KeyError:
            return None
        return doc, pointer

    def _lower_ref(self, ref: Any, at: At) -> dict[str, Any]:
        location = self._resolve(ref, at)
        if location is None:
            self._flag(at, "$ref", f"unresolvable $ref {ref!r}: any value is accepted")
            return {}
        doc, pointer = location
        tokens = [unescape(t) for t in pointer.split("/")[1:]]
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
            unit.name = self.names.take(owner + "".join(map(pascal, words[-2:])))
        self.units[at.unit].deps.add(unit.key)
        return {"$ref": unit.key}

    def _deref(self, node: dict[str, Any]) -> dict[str, Any] | None:
        unit = self.units[node["$ref"]]
        if unit.state == "pending":
            self._lower_unit(unit)
        if unit.state != "done" or unit.body is None:
            return None
        return unit.body
