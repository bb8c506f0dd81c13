"""The lowering's working data (locations, units) and its result (the plan)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcpmint.schema.walk import escape_pointer as escape


@dataclass(slots=True)
class At:
    """A node's document and JSON pointer, and the path reported for it."""

    doc: str
    pointer: str
    unit: str
    path: tuple[str, ...]

    def child(self, *keys: str | int) -> At:
        pointer = self.pointer + "".join("/" + escape(str(k)) for k in keys)
        path = self.path + tuple(f"[{k}]" if isinstance(k, int) else k for k in keys)
        return At(self.doc, pointer, self.unit, path)


@dataclass(slots=True)
class Unit:
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
class Def:
    """One `$defs` entry handed to datamodel-code-generator."""

    key: str
    name: str
    schema: dict[str, Any]
    checks: list[list[Any]]
    request: bool = False


@dataclass(slots=True)
class Plan:
    """Everything codegen and finishing need: the definitions, in order."""

    defs: list[Def]
