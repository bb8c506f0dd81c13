"""The JSON Schema walk of `mcpmint diff`: two schemas in, classified changes out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from mcpmint.schema.formats import FORMATS
from mcpmint.schema.keywords import DOC_KEYWORDS
from mcpmint.specdiff.branches import brief, match_branches
from mcpmint.specdiff.rules import (
    CONSTRAINTS,
    MISSING,
    Change,
    as_mapping,
    canon,
    compare_unclassified,
    constraint_shift,
    describe_constraint,
    describe_edit,
    join,
    record,
    schema_types,
    show,
    show_types,
    type_shift,
)

Direction = Literal["input", "output"]

# Annotations compared one by one (`default` has rules of its own; a change to a content
# keyword is reported as unclassified).
_DOC_KEYS = DOC_KEYWORDS - {
    "default",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
}
_WALKED = frozenset(
    "type enum const default properties required additionalProperties items"
    " prefixItems anyOf oneOf allOf $schema $id $defs definitions".split()
)
_KNOWN = _DOC_KEYS | frozenset(CONSTRAINTS) | _WALKED | {"x-mcp-header"}  # hint_walk
_ANY: Mapping[str, Any] = {}


@dataclass(slots=True)
class SchemaScope:
    """One schema comparison: each side's $ref roots, the direction, the findings."""

    direction: Direction
    old_roots: Sequence[Mapping[str, Any]]
    new_roots: Sequence[Mapping[str, Any]]
    out: list[Change]
    # Imported def name -> its origin ("shared/geo.yaml#/$defs/PostalCode").
    origins: Mapping[str, str] = field(default_factory=dict)
    # Def pairs already compared; the objects are kept alive so their ids stay unique.
    seen: dict[tuple[int, int], tuple[Any, Any]] = field(default_factory=dict)

    def emit(self, rule: str, path: str, detail: str) -> None:
        """Record a change under the direction-prefixed rule id."""
        record(self.out, f"{self.direction}-{rule}", path, detail)


def compare_schema(sc: SchemaScope, path: str, old_raw: Any, new_raw: Any) -> None:
    """Compare two schemas at path, recursing into every subschema."""
    old, old_def = _resolve(sc.old_roots, old_raw)
    new, new_def = _resolve(sc.new_roots, new_raw)
    # Each pair of defs (or of schema objects) once per tool schema: this ends
    # recursive refs. Bare true/false pairs are cheap and reported wherever they occur.
    pair = (
        old_raw if old_def is None else old_def,
        new_raw if new_def is None else new_def,
    )
    if any(isinstance(side, Mapping) for side in pair):
        if (key := (id(pair[0]), id(pair[1]))) in sc.seen:
            return
        sc.seen[key] = pair
    start = len(sc.out)
    _compare_resolved(sc, path, old, new)
    if (source := _source(sc, old_raw, new_raw)) is not None:
        # Innermost definition first: changes a nested def claimed keep its name.
        found = sc.out[start:]
        sc.out[start:] = [c if c.source else replace(c, source=source) for c in found]


def _source(sc: SchemaScope, old_raw: Any, new_raw: Any) -> str | None:
    """The spec-level definition both sides use here, if every difference lies in it
    (same definition name, same keywords beside the `$ref`)."""
    old, new = _spec_def(sc.old_roots, old_raw), _spec_def(sc.new_roots, new_raw)
    if old is None or old != new:
        return None
    beside = [
        {k: v for k, v in raw.items() if k != "$ref"} for raw in (old_raw, new_raw)
    ]
    if canon(beside[0]) != canon(beside[1]):
        return None
    return sc.origins.get(new) or f"#/$defs/{new}"


def _spec_def(roots: Sequence[Mapping[str, Any]], raw: Any) -> str | None:
    """The spec `$defs` entry a `$ref` here leads to, through defs that are only a
    `$ref` themselves; None for no ref, a tool's own `$defs`, or other pointers."""
    name, followed = None, set()
    while isinstance(raw, Mapping) and isinstance(ref := raw.get("$ref"), str):
        key = ref.removeprefix("#/$defs/")
        if key == ref or "/" in key or "~" in key or ref in followed:
            break
        if _lookup(roots[:-1], ref) is not None:  # the tool schema's own def
            break
        followed.add(ref)
        raw, name = as_mapping(roots[-1].get("$defs")).get(key), key
        if not (isinstance(raw, Mapping) and set(raw) == {"$ref"}):
            break
    return name


def _compare_resolved(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    old, new = _as_schema(old), _as_schema(new)
    if old is False or new is False:
        if old is not new:
            what = ("closed", "became") if new is False else ("opened", "is no longer")
            sc.emit(f"subschema-{what[0]}", path, f"schema {what[1]} false")
        return
    old, new = _lift_union(old, new)
    if _compare_type(sc, path, old, new):
        return  # unrelated types: nested differences would only be noise
    for check in (_compare_values, _compare_constraints, _compare_docs):
        check(sc, path, old, new)
    for walk in (_compare_object, _compare_array, _compare_combinators):
        walk(sc, path, old, new)
    compare_unclassified(sc.out, path, old, new, _KNOWN)


def _resolve(roots: Sequence[Mapping[str, Any]], schema: Any) -> tuple[Any, Any]:
    """Follow local $refs; return the effective schema and the last def reached."""
    target, followed = None, set()
    while isinstance(schema, Mapping) and isinstance(ref := schema.get("$ref"), str):
        found = _lookup(roots, ref)
        if found is None or ref in followed:
            break  # unresolvable or self-referencing: left to the unclassified check
        followed.add(ref)
        target = found
        # 2020-12 lets keywords sit beside $ref; they apply too, so merge them in.
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        merge = siblings and isinstance(found, Mapping)
        schema = {**found, **siblings} if merge else found
    return schema, target


def _lookup(roots: Sequence[Mapping[str, Any]], ref: str) -> Any:
    """Resolve a "#/..." pointer in the tool schema first, then in the spec."""
    if ref != "#" and not ref.startswith("#/"):
        return None
    parts = [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]
    for root in roots:
        node: Any = root
        for part in parts if ref != "#" else []:
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is not None:
            return node
    return None


def _as_schema(value: Any) -> Any:
    """A mapping or False: true, absent and malformed schemas accept anything."""
    return value if isinstance(value, Mapping) or value is False else _ANY


def _union_key(schema: Mapping[str, Any]) -> str | None:
    return next(
        (k for k in ("anyOf", "oneOf") if isinstance(schema.get(k), list)), None
    )


def _lift_union(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Any, Any]:
    """Wrap a plain schema as the one branch of a union the other side has."""
    ok, nk = _union_key(old), _union_key(new)
    if nk and not ok and "type" not in new:
        return _wrap(old, nk), new
    if ok and not nk and "type" not in old:
        return old, _wrap(new, ok)
    return old, new


def _wrap(schema: Mapping[str, Any], key: str) -> dict[str, Any]:
    outer = {k: v for k, v in schema.items() if k in _DOC_KEYS or k == "default"}
    return {**outer, key: [{k: v for k, v in schema.items() if k not in outer}]}


def _compare_type(sc: SchemaScope, path: str, old: Any, new: Any) -> bool:
    """Report a type change; True when the types share nothing (stop descending)."""
    ot, nt = schema_types(old), schema_types(new)
    shift, disjoint = type_shift(ot, nt)
    if shift:
        detail = f"type {shift} from {show_types(ot)} to {show_types(nt)}"
        sc.emit(f"type-{shift}", join(path, "type"), detail)
    return disjoint


def _values(schema: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    """The allowed values, if listed: const counts as a one-value enum."""
    if "const" in schema:
        return "const", [schema["const"]]
    enum = schema.get("enum")
    return ("enum", list(enum)) if isinstance(enum, list) else None


def _compare_values(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    ov, nv = _values(old), _values(new)
    if ov is None or nv is None:
        if ov is not nv:
            key, vals = nv or ov or ("", [])
            shown = show(vals[0] if key == "const" else vals)
            rule, verb = ("restricted", "added") if nv else ("unrestricted", "removed")
            sc.emit(f"values-{rule}", join(path, key), f"{key} {shown} {verb}")
        return
    okeys, nkeys = {canon(v) for v in ov[1]}, {canon(v) for v in nv[1]}
    for vals, other, what in ((ov[1], nkeys, "removed"), (nv[1], okeys, "added")):
        if changed := [show(v) for v in vals if canon(v) not in other]:
            noun = "values" if len(changed) > 1 else "value"
            detail = f"{noun} {', '.join(changed)} {what}"
            sc.emit(f"enum-value-{what}", join(path, nv[0]), detail)


def _compare_constraints(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    for key in CONSTRAINTS:
        o, n = old.get(key), new.get(key)
        if key == "uniqueItems":  # false and absent mean the same
            o, n = (o if o is True else None), (n if n is True else None)
        if key == "format":  # a format the models do not check only annotates
            o, n = (o if o in FORMATS else None), (n if n in FORMATS else None)
            if o == n and old.get(key) != new.get(key):
                detail = describe_edit(
                    key, old.get(key, MISSING), new.get(key, MISSING)
                )
                record(sc.out, "schema-doc-changed", join(path, key), detail)
        if shift := constraint_shift(key, o, n):
            detail = describe_constraint(key, o, n)
            sc.emit(f"constraint-{shift}", join(path, key), detail)


def _compare_docs(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    for key in ("default", *sorted(_DOC_KEYS)):
        o, n = old.get(key, MISSING), new.get(key, MISSING)
        if canon(o) == canon(n):
            continue
        if key == "default" and sc.direction == "input":
            rule, detail = "input-default-changed", describe_edit(key, o, n)
        elif key == "deprecated" and n is True:
            rule, detail = "schema-deprecated", "marked deprecated"
        else:
            shown = key in {"default", "deprecated", "readOnly", "writeOnly"}
            rule, detail = "schema-doc-changed", describe_edit(key, o, n, values=shown)
        record(sc.out, rule, join(path, key), detail)


def _names(value: Any) -> set[str]:
    return (
        {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _compare_object(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    op, np = as_mapping(old.get("properties")), as_mapping(new.get("properties"))
    oreq, nreq = _names(old.get("required")), _names(new.get("required"))
    gone, came = op.keys() - np.keys(), np.keys() - op.keys()
    for name in [*op, *(name for name in np if name in came)]:  # spec order
        where = join(join(path, "properties"), str(name))
        if name in gone:
            _property_removed(
                sc, where, name, closed=_closed(new), required=name in oreq
            )
            _compare_extra_schema(sc, where, op[name], new, old_side=False)
        elif name in came:
            _property_added(sc, where, name, required=name in nreq)
            _compare_extra_schema(sc, where, np[name], old, old_side=True)
        else:
            compare_schema(sc, where, op[name], np[name])
    for name in sorted(nreq - oreq - came):
        detail = f"property '{name}' is now required"
        sc.emit("property-required", join(path, "required"), detail)
    for name in sorted(oreq - nreq - gone):
        detail = f"property '{name}' is now optional"
        sc.emit("property-optional", join(path, "required"), detail)
    _compare_additional(sc, join(path, "additionalProperties"), old, new)


def _closed(schema: Mapping[str, Any]) -> bool:
    keys = ("additionalProperties", "unevaluatedProperties")
    return any(schema.get(key) is False for key in keys)


def _property_removed(
    sc: SchemaScope, path: str, name: str, *, closed: bool, required: bool
) -> None:
    if closed and sc.direction == "input":
        detail = f"property '{name}' removed while additionalProperties is false"
        sc.emit("property-removed-closed", path, detail)
    elif required and sc.direction == "output":
        sc.emit(
            "property-removed-required", path, f"required property '{name}' removed"
        )
    else:
        sc.emit("property-removed", path, f"property '{name}' removed")


def _compare_extra_schema(
    sc: SchemaScope, path: str, prop: Any, other: Any, *, old_side: bool
) -> None:
    """A property that one side lists and the other covers by an `additionalProperties`
    schema: that key's values go from one schema to the other, so compare them."""
    extra = other.get("additionalProperties", True)
    if isinstance(extra, Mapping) and extra:
        old, new = (extra, prop) if old_side else (prop, extra)
        compare_schema(sc, path, old, new)


def _property_added(sc: SchemaScope, path: str, name: str, *, required: bool) -> None:
    kind = "added-required" if required and sc.direction == "input" else "added"
    detail = f"{'required' if required else 'optional'} property '{name}' added"
    sc.emit(f"property-{kind}", path, detail)


def _compare_additional(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    o, n = old.get("additionalProperties", True), new.get("additionalProperties", True)
    if (o is False) != (n is False):
        shift, verb = ("closed", "set to") if n is False else ("opened", "no longer")
        detail = f"additionalProperties {verb} false"
        sc.emit(f"additional-properties-{shift}", path, detail)
    elif o is not False and (o is not True or n is not True):
        compare_schema(sc, path, o, n)


def _compare_array(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    op, np = _list(old.get("prefixItems")), _list(new.get("prefixItems"))
    oi, ni = old.get("items", True), new.get("items", True)
    for i in range(max(len(op), len(np))):
        # Past the end of a prefixItems list, positions follow that side's `items`.
        o, n = op[i] if i < len(op) else oi, np[i] if i < len(np) else ni
        compare_schema(sc, f"{path}.prefixItems[{i}]", o, n)
    if "items" in old or "items" in new:
        compare_schema(sc, join(path, "items"), oi, ni)


def _compare_combinators(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    ok, nk = _union_key(old), _union_key(new)
    if ok and nk and ok != nk:
        detail = f"{ok} replaced by {nk}"
        record(sc.out, "unclassified-change", join(path, nk), detail)
        _compare_branches(sc, path, (ok, old[ok]), (nk, new[nk]), "branch")
    else:
        for key in ("anyOf", "oneOf"):
            if isinstance(old.get(key), list) and isinstance(new.get(key), list):
                _compare_branches(sc, path, (key, old[key]), (key, new[key]), "branch")
            elif key in old or key in new:
                what = ("tightened", "added") if key in new else ("loosened", "removed")
                sc.emit(f"constraint-{what[0]}", join(path, key), f"{key} {what[1]}")
    ob, nb = _list(old.get("allOf")), _list(new.get("allOf"))
    _compare_branches(sc, path, ("allOf", ob), ("allOf", nb), "allof-branch")


def _compare_branches(
    sc: SchemaScope,
    path: str,
    old: tuple[str, list[Any]],
    new: tuple[str, list[Any]],
    kind: str,
) -> None:
    pairs, removed, added = match_branches(old[1], new[1])
    for i, j in pairs:
        compare_schema(sc, f"{path}.{new[0]}[{j}]", old[1][i], new[1][j])
    for (key, branches), indexes, what in (
        (old, removed, "removed"),
        (new, added, "added"),
    ):
        for i in indexes:
            detail = f"{key} branch {brief(branches[i])} {what}"
            sc.emit(f"{kind}-{what}", f"{path}.{key}[{i}]", detail)
