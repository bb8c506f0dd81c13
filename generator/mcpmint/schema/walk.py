"""JSON Schema helpers: walking `$ref`s and bundling the spec's `$defs` into each
tool schema.

A `$ref` of the form `#/$defs/Name` names the tool schema's own `$defs` entry when it
has one, else the spec's top-level `$defs`. Bundling copies every spec definition a
tool schema reaches into the schema's own `$defs`, so the refs stay as written and
resolve inside the served schema.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

PathPart = str | int
JsonPath = tuple[PathPart, ...]  # a place in a JSON document: keys and indexes

DEFS_PREFIX = "#/$defs/"


def iter_refs(schema: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every `$ref` string in a schema, with the path of the object that holds it."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            yield path, ref
        for key, value in schema.items():
            if key in ("enum", "const", "default", "examples"):
                continue  # data, not schemas
            yield from iter_refs(value, (*path, key))
    elif isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from iter_refs(item, (*path, i))


def def_name(ref: str) -> str | None:
    """`#/$defs/City` → `City`; `#/$defs/A/properties/x` → `A`; other refs → None."""
    if not ref.startswith(DEFS_PREFIX):
        return None
    return unescape_pointer(ref[len(DEFS_PREFIX) :].split("/", 1)[0])


def escape_pointer(token: str) -> str:
    """JSON Pointer escaping of one reference token."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape_pointer(token: str) -> str:
    """Undo JSON Pointer escaping of one reference token."""
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(document: Any, pointer: str) -> tuple[bool, Any]:
    """Follow a JSON Pointer (`/a/0/b`) into a document: (found, value)."""
    node = document
    if pointer in ("", "/"):
        return True, node
    for raw in pointer.lstrip("/").split("/"):
        token = unescape_pointer(raw)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def own_defs(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema's own `$defs` (empty when it has none or they are malformed)."""
    defs = schema.get("$defs")
    return defs if isinstance(defs, dict) else {}


def spec_defs_used(
    schema: Mapping[str, Any], spec_defs: Mapping[str, Any]
) -> list[str]:
    """Names of spec definitions the schema reaches, transitively, in spec order."""
    local = own_defs(schema)
    seen: set[str] = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        for _, ref in iter_refs(node):
            name = def_name(ref)
            if name is None or name in seen:
                continue
            if node is schema and name in local:
                continue
            if name in spec_defs:
                seen.add(name)
                pending.append(spec_defs[name])
    return [name for name in spec_defs if name in seen]


def bundle(schema: Mapping[str, Any], spec_defs: Mapping[str, Any]) -> dict[str, Any]:
    """The schema with every spec definition it reaches copied into its own `$defs`."""
    used = spec_defs_used(schema, spec_defs)
    if not used:
        return dict(schema)
    out = dict(schema)
    defs = dict(own_defs(schema))
    for name in used:
        defs.setdefault(name, spec_defs[name])
    out["$defs"] = defs
    return out
