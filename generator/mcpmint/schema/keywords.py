"""The JSON Schema 2020-12 keywords mcpmint knows, in one table: what each applies to.

Every stage that reasons about keywords (validation, the models, `mcpmint diff`) reads
the sets below instead of keeping a list of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# name: the keyword. family: the JSON type whose instances it constrains ("-": any).
# subschemas: where it holds schemas: one, list (of schemas), map (name -> schema),
# one|list (`items`, which older drafts also wrote as a list). bound: upper or lower for
# numeric limits, counted when the limit is a length or count (an integer >= 0).
# doc: an annotation only; it never changes which instances are valid.
_TABLE = """
name                   family  subschemas  bound        doc
$schema                -       -           -            no
$id                    -       -           -            no
$ref                   -       -           -            no
$defs                  -       map         -            no
definitions            -       map         -            no
$dynamicRef            -       -           -            no
$recursiveRef          -       -           -            no
$anchor                -       -           -            no
$dynamicAnchor         -       -           -            no
$vocabulary            -       -           -            no
$comment               -       -           -            yes
type                   -       -           -            no
enum                   -       -           -            no
const                  -       -           -            no
allOf                  -       list        -            no
anyOf                  -       list        -            no
oneOf                  -       list        -            no
not                    -       one         -            no
if                     -       one         -            no
then                   -       one         -            no
else                   -       one         -            no
title                  -       -           -            yes
description            -       -           -            yes
default                -       -           -            yes
examples               -       -           -            yes
deprecated             -       -           -            yes
readOnly               -       -           -            yes
writeOnly              -       -           -            yes
format                 string  -           -            no
contentEncoding        string  -           -            yes
contentMediaType       string  -           -            yes
contentSchema          string  one         -            yes
minLength              string  -           lower-count  no
maxLength              string  -           upper-count  no
pattern                string  -           -            no
minimum                number  -           lower        no
maximum                number  -           upper        no
exclusiveMinimum       number  -           lower        no
exclusiveMaximum       number  -           upper        no
multipleOf             number  -           -            no
items                  array   one|list    -            no
prefixItems            array   list        -            no
additionalItems        array   one         -            no
unevaluatedItems       array   one         -            no
contains               array   one         -            no
minContains            array   -           lower-count  no
maxContains            array   -           upper-count  no
minItems               array   -           lower-count  no
maxItems               array   -           upper-count  no
uniqueItems            array   -           -            no
properties             object  map         -            no
required               object  -           -            no
additionalProperties   object  one         -            no
patternProperties      object  map         -            no
propertyNames          object  one         -            no
unevaluatedProperties  object  one         -            no
dependentRequired      object  -           -            no
dependentSchemas       object  map         -            no
minProperties          object  -           lower-count  no
maxProperties          object  -           upper-count  no
"""


@dataclass(frozen=True, slots=True)
class Keyword:
    """One row of the table."""

    name: str
    family: str | None  # "string", "number", "array", "object"; None: every type
    subschemas: str | None  # "one", "list", "map", "one|list"; None: holds no schema
    bound: str | None  # "upper", "lower", "upper-count", "lower-count"; None
    doc: bool  # an annotation only


def _rows() -> dict[str, Keyword]:
    lines = _TABLE.strip().splitlines()[1:]
    rows = {}
    for line in lines:
        name, family, subschemas, bound, doc = line.split()
        rows[name] = Keyword(
            name,
            None if family == "-" else family,
            None if subschemas == "-" else subschemas,
            None if bound == "-" else bound,
            doc == "yes",
        )
    return rows


KEYWORDS: Mapping[str, Keyword] = _rows()


def _names(test: object) -> tuple[str, ...]:
    assert callable(test)
    return tuple(k.name for k in KEYWORDS.values() if test(k))


# Where a schema holds subschemas: one, a list of them, or a mapping of names to them.
ONE_SCHEMA = _names(lambda k: k.subschemas in ("one", "one|list"))
SCHEMA_LISTS = _names(lambda k: k.subschemas in ("list", "one|list"))
SCHEMA_MAPS = _names(lambda k: k.subschemas == "map")
# Numeric limits: an upper bound tightens when it goes down, a lower one when it
# goes up.
UPPER_BOUNDS = frozenset(_names(lambda k: (k.bound or "").startswith("upper")))
LOWER_BOUNDS = frozenset(_names(lambda k: (k.bound or "").startswith("lower")))
# Lengths and counts: integers >= 0 (machine integers in the models).
COUNTS = _names(lambda k: (k.bound or "").endswith("count"))
# Annotations that never change which instances are valid.
DOC_KEYWORDS = frozenset(_names(lambda k: k.doc))
# The keywords that constrain instances of one JSON type, by type.
FAMILIES: Mapping[str, tuple[str, ...]] = {
    family: _names(lambda k, f=family: k.family == f)
    for family in ("string", "number", "array", "object")
}
