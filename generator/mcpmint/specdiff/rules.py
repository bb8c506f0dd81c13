"""The rules of `mcpmint diff`: each rule id with its level, and shared helpers."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

from mcpmint.schema.keywords import LOWER_BOUNDS, UPPER_BOUNDS

Bump = Literal["major", "minor", "patch", "none"]


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
    # The definition the change was made in, when not in the tool itself: one from
    # another file ("shared/geo.yaml#/$defs/PostalCode") or the spec's own
    # ("#/$defs/Address").
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's level, the bump it implies, and the consequence its messages end on."""

    level: Level
    bump: Bump
    effect: str


# One rule a line: id, level code, and the consequence every message of the rule ends
# on. Codes: E error (major bump), W warning (minor), I+ info that adds (minor), I info
# that only fixes or documents (patch). docs/diff-rules.md explains each rule; a unit
# test keeps the two in step.
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
definition-removed E code importing its model (from models.py or a shared package) fails
definition-renamed E code importing its model (from models.py or a shared package) fails
tool-text-changed I models may choose or call the tool differently
tool-examples-changed I only the generated round-trip tests change
timeout-shortened W calls that ran longer now end in a tool error
timeout-lengthened I calls may run longer before they end in a tool error
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
input-enum-value-removed E calls using a removed value are now rejected
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
output-constraint-loosened E clients that validate results may reject the new values
output-constraint-changed E clients that validate results may reject the new values
input-property-added I+ clients may send it
input-property-added-required E calls without it now fail
input-property-required E calls without it now fail
input-property-optional I+ clients may now leave it out
input-property-removed W clients still sending it have it silently ignored
input-property-removed-closed E calls that still send it are now rejected
output-property-added I+ clients receive more data
output-property-removed W clients no longer receive it and see it as absent
output-property-removed-required E clients and typed models that require it break
output-property-optional E clients that expect it may find it missing
output-property-required I clients can now rely on it
input-additional-properties-closed E calls with extra properties are now rejected
input-additional-properties-opened I+ calls may now send extra properties
output-additional-properties-closed I results no longer carry extra properties
output-additional-properties-opened I+ results may carry keys typed clients leave out
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
resource-removed E clients reading it now get resource-not-found
resource-added I+ clients gain a resource
resource-contents-changed I clients reading it get other contents
resource-text-changed I only display text changed
resource-mime-type-changed W clients reading by type may misread the contents
resource-template-removed E clients reading its URIs now get resource-not-found
resource-template-added I+ clients gain a resource template
resource-template-uri-changed E URIs from the old template may go unanswered
prompt-removed E clients getting it now get an unknown-prompt error
prompt-added I+ clients gain a prompt
prompt-argument-added I+ clients may send it
prompt-argument-added-required E gets without it now fail
prompt-argument-required E gets without it now fail
prompt-argument-optional I+ clients may now leave it out
prompt-argument-removed E gets that still send it are now refused
prompt-completion-changed I completion offers other candidates
prompt-messages-changed I clients getting it receive other messages
prompt-text-changed I only display text changed
notification-added I+ clients may hear of more changes
notification-list-changed-removed W clients no longer hear of list changes
notification-subscribe-removed E resources/subscribe now gets method-not-found
header-mirror-added W calls without it are refused until the client lists tools again
header-mirror-removed W proxies routing on the header no longer receive it
header-mirror-renamed W old-header calls are refused until the client lists tools again
cache-hint-changed I clients may keep or share the results differently
resource-template-completion-removed W the variable is now offered no candidates
resource-template-completion-unserved E completing the variable now fails
resource-template-completion-added I+ clients gain candidates for the variable
resource-template-completion-changed I the variable is offered other candidates
"""
_CODES: Mapping[str, tuple[Level, Bump]] = {
    "E": (Level.ERROR, "major"),
    "W": (Level.WARNING, "minor"),
    "I+": (Level.INFO, "minor"),
    "I": (Level.INFO, "patch"),
}
RULES: Mapping[str, Rule] = {
    rule: Rule(*_CODES[code], effect)
    for rule, code, effect in (line.split(" ", 2) for line in _TABLE.splitlines())
}

_UPPER = UPPER_BOUNDS
_LOWER = LOWER_BOUNDS
CONSTRAINTS = (
    *sorted(_UPPER | _LOWER),
    "format",
    "multipleOf",
    "pattern",
    "uniqueItems",
)
MISSING: Any = object()
_SEGMENT = re.compile(r"[\w$-]+", re.ASCII)


def make_change(rule: str, path: str, detail: str) -> Change:
    """Build a Change whose level and closing consequence come from RULES[rule]."""
    spec = RULES[rule]
    return Change(spec.level, path, rule, f"{detail}; {spec.effect}.")


def record(out: list[Change], rule: str, path: str, detail: str) -> None:
    """Append make_change(rule, path, detail) to out."""
    out.append(make_change(rule, path, detail))


def canon(value: Any) -> str | None:
    """Canonical JSON, so equal data compares equal (True != 1); None if MISSING."""
    if value is MISSING:
        return None
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    except (TypeError, ValueError):  # mixed key types in a malformed spec
        return repr(value)


def show(value: Any) -> str:
    """A value as it appears inside a message."""
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):  # mixed key types in a malformed spec
        return repr(value)


def join(path: str, key: str) -> str:
    """Append a key to a dotted path, bracket-quoting keys that are not plain words."""
    if not _SEGMENT.fullmatch(key):
        return f"{path}[{show(key)}]"
    return f"{path}.{key}" if path else key


def describe_edit(key: str, old: Any, new: Any, *, values: bool = True) -> str:
    """Say how a key went from old to new (either may be MISSING)."""
    if old is MISSING:
        return f"{key} {show(new)} added" if values else f"{key} added"
    if new is MISSING:
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
        o, n = old.get(key, MISSING), new.get(key, MISSING)
        if str(key) not in known and canon(o) != canon(n):
            detail = describe_edit(str(key), o, n, values=False)
            record(out, "unclassified-change", join(path, str(key)), detail)


def as_mapping(value: Any) -> Mapping[str, Any]:
    """The value if it is a mapping, else an empty one (tolerates malformed specs)."""
    return value if isinstance(value, Mapping) else {}


def schema_types(schema: Mapping[str, Any]) -> frozenset[str] | None:
    """The set of JSON types a schema allows; None when it does not say."""
    value = schema.get("type")
    if isinstance(value, list):
        return frozenset(t for t in value if isinstance(t, str))
    return frozenset({value}) if isinstance(value, str) else None


def _covers(types: frozenset[str] | None, kind: str) -> bool:
    return types is None or kind in types or (kind == "integer" and "number" in types)


def _within(inner: frozenset[str] | None, outer: frozenset[str] | None) -> bool:
    return outer is None if inner is None else all(_covers(outer, t) for t in inner)


def show_types(types: frozenset[str] | None) -> str:
    """A type set as a message shows it."""
    if types is None:
        return "any"
    return next(iter(types)) if len(types) == 1 else f"[{', '.join(sorted(types))}]"


def type_shift(
    old: frozenset[str] | None, new: frozenset[str] | None
) -> tuple[str | None, bool]:
    """Narrowed, widened, changed or None; and whether the two share no type at all."""
    narrowed, widened = _within(new, old), _within(old, new)
    if narrowed and widened:
        return None, False
    shift = "narrowed" if narrowed else "widened" if widened else "changed"
    shared = any(_covers(new, t) for t in old or ()) or any(
        _covers(old, t) for t in new or ()
    )
    return shift, shift == "changed" and not shared


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _divides(step: Any, value: Any) -> bool:
    """True when value is a whole multiple of step."""
    if step == 0 or not math.isfinite(step) or not math.isfinite(value):
        return False
    return (Fraction(str(value)) / Fraction(str(step))).denominator == 1


def constraint_shift(key: str, old: Any, new: Any) -> str | None:
    """Classify a constraint edit: tightened, loosened, changed or None (unchanged)."""
    if canon(old) == canon(new):
        return None
    if old is None or new is None:
        return "tightened" if old is None else "loosened"
    if not (_is_number(old) and _is_number(new)):
        return "changed"  # pattern, format: neither contains the other in general
    if key == "multipleOf":
        loosened, tightened = _divides(new, old), _divides(old, new)
        return "loosened" if loosened else "tightened" if tightened else "changed"
    return "tightened" if (new < old) == (key in _UPPER) else "loosened"


def describe_constraint(key: str, old: Any, new: Any) -> str:
    """Say how a constraint keyword went from old to new (None: absent)."""
    if key == "uniqueItems":
        return f"uniqueItems turned {'on' if old is None else 'off'}"
    if old is None or new is None:
        return (
            f"{key} {show(new)} added" if old is None else f"{key} {show(old)} removed"
        )
    if _is_number(old) and _is_number(new) and key != "multipleOf":
        verb = "lowered" if new < old else "raised"
        return f"{key} {verb} from {show(old)} to {show(new)}"
    return f"{key} changed from {show(old)} to {show(new)}"
