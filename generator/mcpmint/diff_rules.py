"""The rules of `mcpmint diff`: each rule id with its level, and the schema walk."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

Bump = Literal["major", "minor", "patch", "none"]
Direction = Literal["input", "output"]


class Level(StrEnum):
    """How much a change matters to clients of the server."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Change:
    """One classified difference between two versions of a spec."""

    level: Level
    path: str
    rule: str
    message: str


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's level, the bump it implies, and the consequence its messages end on."""

    level: Level
    bump: Bump
    effect: str


# One rule a line: id, level code, and the consequence every message of the rule ends
# on. Codes: E error (major bump), W warning (minor), I+ info that adds (minor), I info
# that only fixes or documents (patch). docs/diff-rules.md explains each; a test keeps
# the two in step.
_TABLE = """\
server-name-changed W hosts that show or match the name see a different server
server-package-changed W imports and python -m commands for the server change
server-instructions-changed W models now get different guidance on the tools
server-text-changed I only display text changed
transport-removed E clients configured for it can no longer connect
transport-added I+ clients gain a way to connect
unclassified-change W mcpmint does not classify it, so review it by hand
tool-removed E clients calling it now get an error
tool-renamed E clients calling the old name now get an error
tool-added I+ clients gain a tool
tool-text-changed I models may choose or call the tool differently
tool-examples-changed I only the generated round-trip tests change
output-schema-added W results gain structuredContent and typed clients a new return type
output-schema-removed E clients reading structuredContent no longer get it
annotation-read-only-dropped E hosts that trust the hint may let it write unasked
annotation-read-only-added I the tool now promises not to modify its environment
annotation-destructive-added E hosts that trust the hint may let it destroy data unasked
annotation-destructive-dropped I the tool now promises only additive updates
annotation-idempotent-dropped W clients that retry calls may now repeat side effects
annotation-idempotent-added I repeated calls now promise no additional effect
annotation-open-world-added W the tool may now reach outside systems
annotation-open-world-dropped I the tool now promises a closed domain
input-type-narrowed E arguments valid before may now be rejected
input-type-widened I+ the tool accepts more arguments
input-type-changed E arguments valid before are now rejected
output-type-narrowed I clients receive a subset of what they handled before
output-type-widened E clients may receive values they do not handle
output-type-changed E clients receive values they do not handle
input-enum-value-removed E arguments using it are now rejected
input-enum-value-added I+ the tool accepts more arguments
output-enum-value-removed I clients receive a subset of what they handled before
output-enum-value-added E clients may receive values they do not handle
input-values-restricted E arguments outside the listed values are now rejected
input-values-unrestricted I+ the tool accepts more arguments
output-values-restricted I clients receive a subset of what they handled before
output-values-unrestricted E clients may receive values they do not handle
input-constraint-tightened E arguments valid before may now be rejected
input-constraint-loosened I+ the tool accepts more arguments
input-constraint-changed E arguments valid before may now be rejected
output-constraint-tightened I clients receive a subset of what they handled before
output-constraint-loosened W strict clients may reject values the old schema ruled out
output-constraint-changed W clients that validate results may reject the new values
input-property-added I+ clients may send it
input-property-added-required E calls without it now fail
input-property-required E calls without it now fail
input-property-optional I+ clients may now leave it out
input-property-removed W clients still sending it have it silently ignored
input-property-removed-closed E calls that still send it are now rejected
output-property-added I+ clients receive more data
output-property-removed E clients and typed models that read it break
output-property-optional E clients that expect it may find it missing
output-property-required I clients can now rely on it
input-additional-properties-closed E calls with extra properties are now rejected
input-additional-properties-opened I+ calls may now send extra properties
output-additional-properties-closed I results no longer carry extra properties
output-additional-properties-opened W strict clients may reject extra properties
input-subschema-closed E every value here is now rejected
input-subschema-opened I+ the tool accepts more arguments
output-subschema-closed I clients receive a subset of what they handled before
output-subschema-opened E clients may receive values they do not handle
input-branch-added I+ the tool accepts more arguments
input-branch-removed E arguments matching only that branch are now rejected
output-branch-added E clients may receive values they do not handle
output-branch-removed I clients receive a subset of what they handled before
input-allof-branch-added E arguments must now satisfy one more schema
input-allof-branch-removed I+ the tool accepts more arguments
output-allof-branch-added I clients receive a subset of what they handled before
output-allof-branch-removed E clients may receive values they do not handle
input-default-changed W calls that omit the argument may behave differently
schema-doc-changed I only documentation changed
schema-deprecated W clients should plan to stop using it
"""
_CODES: Mapping[str, tuple[Level, Bump]] = {
    "E": (Level.ERROR, "major"),
    "W": (Level.WARNING, "minor"),
    "I+": (Level.INFO, "minor"),
    "I": (Level.INFO, "patch"),
}


def _parse_rules(table: str) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for line in table.splitlines():
        rule, code, effect = line.split(" ", 2)
        rules[rule] = Rule(*_CODES[code], effect)
    return rules


RULES: Mapping[str, Rule] = _parse_rules(_TABLE)

_UPPER = frozenset(
    "maxLength maxItems maxProperties maxContains maximum exclusiveMaximum".split()
)
_LOWER = frozenset(
    "minLength minItems minProperties minContains minimum exclusiveMinimum".split()
)
_CONSTRAINTS = (
    *sorted(_UPPER | _LOWER),
    "format",
    "multipleOf",
    "pattern",
    "uniqueItems",
)
DOC_KEYS = frozenset(
    "title description examples $comment deprecated readOnly writeOnly".split()
)
_WALKED = frozenset(
    "type enum const default properties required additionalProperties items prefixItems"
    " anyOf oneOf allOf $schema $id $defs definitions".split()
)
_KNOWN = _WALKED | DOC_KEYS | frozenset(_CONSTRAINTS)
_MISSING: Any = object()
_ANY: Mapping[str, Any] = {}
_SEGMENT = re.compile(r"[\w$-]+", re.ASCII)


def make_change(rule: str, path: str, detail: str) -> Change:
    """Build a Change whose level and closing consequence come from RULES[rule]."""
    spec = RULES[rule]
    return Change(spec.level, path, rule, f"{detail}; {spec.effect}.")


def canon(value: Any) -> str:
    """Return a canonical JSON text, so equal data compares equal (and True != 1)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def show(value: Any) -> str:
    """Return a value as it appears inside a message."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def join(path: str, key: str) -> str:
    """Append a key to a dotted path, bracket-quoting keys that are not plain words."""
    segment = key if _SEGMENT.fullmatch(key) else f"[{show(key)}]"
    return segment if not path else f"{path}{'' if segment[0] == '[' else '.'}{segment}"


def describe_edit(key: str, old: Any, new: Any, *, values: bool = True) -> str:
    """Say how a key went from old to new (either may be _MISSING)."""
    if old is _MISSING:
        return f"{key} {show(new)} added" if values else f"{key} added"
    if new is _MISSING:
        return f"{key} {show(old)} removed" if values else f"{key} removed"
    return (
        f"{key} changed from {show(old)} to {show(new)}" if values else f"{key} changed"
    )


def compare_unclassified(
    out: list[Change],
    path: str,
    old: Mapping[Any, Any],
    new: Mapping[Any, Any],
    known: frozenset[str],
) -> None:
    """Report every changed key outside `known` as an unclassified change."""
    for key in sorted(old.keys() | new.keys(), key=str):
        o, n = old.get(key, _MISSING), new.get(key, _MISSING)
        if str(key) not in known and canon_or_missing(o) != canon_or_missing(n):
            out.append(
                make_change(
                    "unclassified-change",
                    join(path, str(key)),
                    describe_edit(str(key), o, n, values=False),
                )
            )


def canon_or_missing(value: Any) -> str | None:
    """Like canon, but None for an absent key."""
    return None if value is _MISSING else canon(value)


@dataclass(slots=True)
class SchemaScope:
    """One schema comparison: each side's $ref roots, the direction, the findings."""

    direction: Direction
    old_roots: Sequence[Mapping[str, Any]]
    new_roots: Sequence[Mapping[str, Any]]
    out: list[Change]
    # Pairs of defs already compared; the objects are kept so their ids stay unique.
    seen: dict[tuple[int, int], tuple[Any, Any]] = field(default_factory=dict)

    def emit(self, rule: str, path: str, detail: str) -> None:
        """Record a change under the direction-prefixed rule id."""
        self.out.append(make_change(f"{self.direction}-{rule}", path, detail))


def compare_schema(sc: SchemaScope, path: str, old_raw: Any, new_raw: Any) -> None:
    """Compare two schemas at path, recursing into every subschema."""
    old, old_def = _resolve(sc.old_roots, old_raw)
    new, new_def = _resolve(sc.new_roots, new_raw)
    if old_def is not None or new_def is not None:
        pair = (
            old_raw if old_def is None else old_def,
            new_raw if new_def is None else new_def,
        )
        if (key := (id(pair[0]), id(pair[1]))) in sc.seen:
            return  # each (old def, new def) pair once per schema: recursion ends here
        sc.seen[key] = pair
    old, new = _as_schema(old), _as_schema(new)
    if old is False or new is False:
        if old is not new:
            shift = "closed" if new is False else "opened"
            sc.emit(
                f"subschema-{shift}",
                path,
                f"schema {'became' if new is False else 'was'} false",
            )
        return
    old, new = _lift_union(old, new)
    if _compare_type(sc, path, old, new):
        return  # unrelated types: nested differences would only be noise
    for check in (
        _compare_values,
        _compare_constraints,
        _compare_docs,
        _compare_object,
        _compare_array,
        _compare_combinators,
    ):
        check(sc, path, old, new)
    compare_unclassified(sc.out, path, old, new, _KNOWN)


def _resolve(roots: Sequence[Mapping[str, Any]], schema: Any) -> tuple[Any, Any]:
    """Follow local $refs; return the effective schema and the last def reached."""
    target, followed = None, set()
    while isinstance(schema, Mapping) and isinstance(ref := schema.get("$ref"), str):
        found = _lookup(roots, ref)
        if found is None or ref in followed:
            break  # unresolvable or self-referencing: left for the unclassified check
        followed.add(ref)
        target = found
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        schema = (
            {**found, **siblings} if siblings and isinstance(found, Mapping) else found
        )
    return schema, target


def _lookup(roots: Sequence[Mapping[str, Any]], ref: str) -> Any:
    """Resolve a "#/..." pointer in the tool schema first, then in the spec."""
    if ref != "#" and not ref.startswith("#/"):
        return None
    parts = [
        p.replace("~1", "/").replace("~0", "~")
        for p in ref[2:].split("/")
        if ref != "#"
    ]
    for node in roots:
        for part in parts:
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is not None:
            return node
    return None


def _as_schema(value: Any) -> Any:
    """Return a mapping or False: True, absent or malformed schemas accept anything."""
    return value if isinstance(value, Mapping) or value is False else _ANY


def _union_key(schema: Mapping[str, Any]) -> str | None:
    return next(
        (k for k in ("anyOf", "oneOf") if isinstance(schema.get(k), list)), None
    )


def _lift_union(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Any, Any]:
    """Wrap a plain schema as one branch when the other side became (or was) a union."""
    ok, nk = _union_key(old), _union_key(new)
    if nk and not ok and "type" not in new:
        return _wrap(old, nk), new
    if ok and not nk and "type" not in old:
        return old, _wrap(new, ok)
    return old, new


def _wrap(schema: Mapping[str, Any], key: str) -> dict[str, Any]:
    outer = {k: v for k, v in schema.items() if k in DOC_KEYS or k == "default"}
    return {**outer, key: [{k: v for k, v in schema.items() if k not in outer}]}


def _types(schema: Mapping[str, Any]) -> frozenset[str] | None:
    value = schema.get("type")
    if isinstance(value, str):
        return frozenset({value})
    return (
        frozenset(t for t in value if isinstance(t, str))
        if isinstance(value, list)
        else None
    )


def _covers(types: frozenset[str] | None, kind: str) -> bool:
    return types is None or kind in types or (kind == "integer" and "number" in types)


def _within(inner: frozenset[str] | None, outer: frozenset[str] | None) -> bool:
    return outer is None if inner is None else all(_covers(outer, t) for t in inner)


def _show_types(types: frozenset[str] | None) -> str:
    if types is None:
        return "any"
    return next(iter(types)) if len(types) == 1 else f"[{', '.join(sorted(types))}]"


def _compare_type(sc: SchemaScope, path: str, old: Any, new: Any) -> bool:
    """Report a type change; True when the types share nothing (stop descending)."""
    ot, nt = _types(old), _types(new)
    narrowed, widened = _within(nt, ot), _within(ot, nt)
    if narrowed and widened:
        return False
    shift = "narrowed" if narrowed else "widened" if widened else "changed"
    sc.emit(
        f"type-{shift}",
        join(path, "type"),
        f"type {shift} from {_show_types(ot)} to {_show_types(nt)}",
    )
    overlap = any(_covers(nt, t) for t in ot or ()) or any(
        _covers(ot, t) for t in nt or ()
    )
    return shift == "changed" and not overlap


def _values(schema: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    """The allowed values: const counts as a one-value enum."""
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
            rule, what = (
                ("values-restricted", "added")
                if nv
                else ("values-unrestricted", "removed")
            )
            sc.emit(rule, join(path, key), f"{key} {shown} {what}")
        return
    okeys, nkeys = {canon(v) for v in ov[1]}, {canon(v) for v in nv[1]}
    for rule, vals, other, what in (
        ("enum-value-removed", ov[1], nkeys, "removed"),
        ("enum-value-added", nv[1], okeys, "added"),
    ):
        if changed := [show(v) for v in vals if canon(v) not in other]:
            noun = "values" if len(changed) > 1 else "value"
            sc.emit(rule, join(path, nv[0]), f"{noun} {', '.join(changed)} {what}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _divides(step: Any, value: Any) -> bool:
    """True when value is a whole multiple of step."""
    return step != 0 and (Fraction(str(value)) / Fraction(str(step))).denominator == 1


def _shift(key: str, old: Any, new: Any) -> str | None:
    """Classify a constraint edit: tightened, loosened, changed or None (unchanged)."""
    if canon(old) == canon(new):
        return None
    if old is None or new is None:
        return "tightened" if old is None else "loosened"
    if not (_is_number(old) and _is_number(new)):
        return "changed"
    if key == "multipleOf":
        return (
            "loosened"
            if _divides(new, old)
            else "tightened"
            if _divides(old, new)
            else "changed"
        )
    return "tightened" if (new < old) == (key in _UPPER) else "loosened"


def _describe_constraint(key: str, old: Any, new: Any) -> str:
    if old is None or new is None:
        if key == "uniqueItems":
            return f"uniqueItems turned {'on' if old is None else 'off'}"
        return (
            f"{key} {show(new)} added" if old is None else f"{key} {show(old)} removed"
        )
    if _is_number(old) and _is_number(new) and key != "multipleOf":
        verb = "lowered" if new < old else "raised"
        return f"{key} {verb} from {show(old)} to {show(new)}"
    return f"{key} changed from {show(old)} to {show(new)}"


def _compare_constraints(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    for key in _CONSTRAINTS:
        o, n = old.get(key), new.get(key)
        if key == "uniqueItems":
            o, n = (True if o is True else None), (True if n is True else None)
        if shift := _shift(key, o, n):
            sc.emit(
                f"constraint-{shift}", join(path, key), _describe_constraint(key, o, n)
            )


def _compare_docs(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    o, n = old.get("default", _MISSING), new.get("default", _MISSING)
    if canon_or_missing(o) != canon_or_missing(n):
        rule = (
            "input-default-changed" if sc.direction == "input" else "schema-doc-changed"
        )
        sc.out.append(
            make_change(rule, join(path, "default"), describe_edit("default", o, n))
        )
    for key in sorted(DOC_KEYS):
        o, n = old.get(key, _MISSING), new.get(key, _MISSING)
        if canon_or_missing(o) == canon_or_missing(n):
            continue
        if key == "deprecated" and n is True:
            sc.out.append(
                make_change("schema-deprecated", join(path, key), "marked deprecated")
            )
        else:
            detail = describe_edit(
                key, o, n, values=key in {"deprecated", "readOnly", "writeOnly"}
            )
            sc.out.append(make_change("schema-doc-changed", join(path, key), detail))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _ANY


def _names(value: Any) -> set[str]:
    return (
        {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()
    )


def _compare_object(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    op, np = _mapping(old.get("properties")), _mapping(new.get("properties"))
    oreq, nreq = _names(old.get("required")), _names(new.get("required"))
    for name, schema in op.items():
        where = join(join(path, "properties"), name)
        if name in np:
            compare_schema(sc, where, schema, np[name])
        else:
            _property_removed(sc, where, name, closed=_closed(new))
    for name in np.keys() - op.keys():
        kind = "added-required" if name in nreq and sc.direction == "input" else "added"
        sc.emit(
            f"property-{kind}",
            join(join(path, "properties"), name),
            f"{'required' if name in nreq else 'optional'} property '{name}' added",
        )
    for name in sorted(nreq - oreq - (np.keys() - op.keys())):
        sc.emit(
            "property-required",
            join(path, "required"),
            f"property '{name}' is now required",
        )
    for name in sorted(oreq - nreq - (op.keys() - np.keys())):
        sc.emit(
            "property-optional",
            join(path, "required"),
            f"property '{name}' is now optional",
        )
    _compare_additional(sc, join(path, "additionalProperties"), old, new)


def _closed(schema: Mapping[str, Any]) -> bool:
    return (
        schema.get("additionalProperties") is False
        or schema.get("unevaluatedProperties") is False
    )


def _property_removed(sc: SchemaScope, path: str, name: str, *, closed: bool) -> None:
    rule = (
        "property-removed-closed"
        if closed and sc.direction == "input"
        else "property-removed"
    )
    why = (
        " while additional properties are not allowed"
        if rule.endswith("closed")
        else ""
    )
    sc.emit(rule, path, f"property '{name}' removed{why}")


def _compare_additional(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    o, n = old.get("additionalProperties", True), new.get("additionalProperties", True)
    if (o is False) != (n is False):
        shift = "closed" if n is False else "opened"
        what = "set to false" if n is False else "no longer false"
        sc.emit(f"additional-properties-{shift}", path, f"additionalProperties {what}")
    elif o is not False and (o is not True or n is not True):
        compare_schema(sc, path, o, n)


def _compare_array(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    op, np = old.get("prefixItems"), new.get("prefixItems")
    op, np = (op if isinstance(op, list) else []), (np if isinstance(np, list) else [])
    oi, ni = old.get("items", True), new.get("items", True)
    for i in range(max(len(op), len(np))):
        # Past the end of a prefixItems list, positions follow that side's `items`.
        compare_schema(
            sc,
            f"{path}.prefixItems[{i}]",
            op[i] if i < len(op) else oi,
            np[i] if i < len(np) else ni,
        )
    if "items" in old or "items" in new:
        compare_schema(sc, join(path, "items"), oi, ni)


def _compare_combinators(sc: SchemaScope, path: str, old: Any, new: Any) -> None:
    ok, nk = _union_key(old), _union_key(new)
    if ok and nk and ok != nk:
        sc.out.append(
            make_change("unclassified-change", join(path, nk), f"{ok} replaced by {nk}")
        )
        _compare_branches(sc, path, (ok, old[ok]), (nk, new[nk]), "branch")
    else:
        for key in ("anyOf", "oneOf"):
            if isinstance(old.get(key), list) and isinstance(new.get(key), list):
                _compare_branches(sc, path, (key, old[key]), (key, new[key]), "branch")
            elif key in old or key in new:
                what = ("tightened", "added") if key in new else ("loosened", "removed")
                sc.emit(f"constraint-{what[0]}", join(path, key), f"{key} {what[1]}")
    ob, nb = old.get("allOf"), new.get("allOf")
    ob, nb = (ob if isinstance(ob, list) else []), (nb if isinstance(nb, list) else [])
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
    for key, branches, indexes, what in (
        (*old, removed, "removed"),
        (*new, added, "added"),
    ):
        for i in indexes:
            brief = _brief(branches[i])
            sc.emit(
                f"{kind}-{what}", f"{path}.{key}[{i}]", f"{key} branch {brief} {what}"
            )


def match_branches(
    old: list[Any], new: list[Any]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair branches: equal ones first, then same type or $ref, then by position."""
    free_old, free_new = list(range(len(old))), list(range(len(new)))
    pairs: list[tuple[int, int]] = []
    for key in (canon, _signature):
        for i in list(free_old):
            sig = key(old[i])
            j = next(
                (j for j in free_new if sig is not None and key(new[j]) == sig), None
            )
            if j is not None:
                pairs.append((i, j))
                free_old.remove(i)
                free_new.remove(j)
    count = min(len(free_old), len(free_new))
    pairs += zip(free_old[:count], free_new[:count], strict=True)
    return pairs, free_old[count:], free_new[count:]


def _signature(branch: Any) -> str | None:
    if not isinstance(branch, Mapping):
        return None
    if isinstance(branch.get("$ref"), str):
        return f"$ref:{branch['$ref']}"
    return f"type:{canon(branch['type'])}" if "type" in branch else None


def _brief(branch: Any) -> str:
    text = show(branch)
    return text if len(text) <= 60 else f"{text[:57]}..."
