"""Hoisting: lowered units as `$defs` entries, every object class and checked type
named by us, so that class names are stable and never collide."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .keywords import CONSTRAINTS
from .names import Names, pascal
from .nodes import CHECKS
from .plan import Def, Plan, Unit


def hoisted_plan(units: Mapping[str, Unit], names: Names) -> Plan:
    """The definitions for codegen: the units, then the classes hoisted out of them."""
    return _Hoister(names).plan(units)


class _Hoister:
    """Lowered units as `$defs` entries: classes, and named aliases for checks."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.defs: list[Def] = []

    def plan(self, units: Mapping[str, Unit]) -> Plan:
        for unit in units.values():
            assert unit.body is not None
            body = {k: v for k, v in unit.body.items() if k not in (CHECKS, "default")}
            emitted = self._children(
                body, unit.name, unit.key, root=not _is_class(body)
            )
            checks = list(unit.body.get(CHECKS, []))
            self.defs.append(Def(unit.key, unit.name, emitted, checks, unit.request))
        return Plan(self.defs)

    def _emit(
        self, node: dict[str, Any], name: str, owner: str, slot: str
    ) -> dict[str, Any]:
        """A child node: inline, or a `$ref` to a new definition (a class, a checked
        alias, or a constrained type that codegen would otherwise name itself)."""
        extras: dict[str, Any] = {
            k: node[k] for k in ("description", "default") if k in node
        }
        checks = node.get(CHECKS, [])
        bare = {
            k: v for k, v in node.items() if k not in (CHECKS, "description", "default")
        }
        constrained = slot != "property" and any(k in bare for k in CONSTRAINTS)
        if not (_is_class(bare) or checks or constrained):
            return {**self._children(bare, name, owner, root=False), **extras}
        key = f"McpmintHoisted{len(self.defs)}"
        final = self.names.take(name)
        entry = Def(key, final, {}, checks)
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
        self._object_children(out, name, owner)
        return out

    def _object_children(self, out: dict[str, Any], name: str, owner: str) -> None:
        if isinstance(out.get("properties"), dict):
            out["properties"] = {
                k: self._emit(v, name + pascal(k), owner, "property")
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

    def _alias(self, node: dict[str, Any], name: str) -> dict[str, Any]:
        key = f"McpmintHoisted{len(self.defs)}"
        self.defs.append(Def(key, self.names.take(name), node, []))
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
