"""JSON Schema keyword tables of the models stage: what each type family owns, what the
models drop, what only annotates."""

from __future__ import annotations

from mcpmint.schema.keywords import DOC_KEYWORDS, FAMILIES

JSON_TYPES = ("null", "boolean", "string", "number", "array", "object")
# Keywords of a family that tell nothing about an untyped node's type here: `format` and
# the content keywords only annotate in the models, and the rest are not checked alone.
_NOT_IMPLYING = frozenset(
    "format contentEncoding contentMediaType contentSchema additionalItems minContains"
    " maxContains".split()
)


def _family(name: str) -> tuple[str, ...]:
    return tuple(k for k in FAMILIES[name] if k not in _NOT_IMPLYING)


STRING_KEYWORDS = _family("string")
NUMBER_KEYWORDS = _family("number")  # the four bounds first, then multipleOf
# An untyped node with one of these keywords constrains values of that family only.
FAMILY_KEYWORDS = {
    "string": STRING_KEYWORDS,
    "number": NUMBER_KEYWORDS,
    "integer": NUMBER_KEYWORDS,
    "array": _family("array"),
    "object": _family("object"),
}
# Keywords the models do not check; dropping them only makes a model looser.
UNSUPPORTED = {
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
# Keywords that codegen writes as `Field(...)` constraints.
CONSTRAINTS = (
    "minLength maxLength pattern minimum maximum exclusiveMinimum exclusiveMaximum "
    "minItems maxItems".split()
)
# What the models treat as annotations only: the table's, and `format`.
ANNOTATION_KEYWORDS = DOC_KEYWORDS | {"format"}
