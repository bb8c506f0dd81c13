"""JSON Schema keyword tables of the models stage: what each type family owns, what the
models drop, what only annotates."""

from __future__ import annotations

JSON_TYPES = ("null", "boolean", "string", "number", "array", "object")
STRING_KEYWORDS = ("minLength", "maxLength", "pattern")
NUMBER_KEYWORDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
)
ARRAY_KEYWORDS = (
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
)
OBJECT_KEYWORDS = (
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
# An untyped node with one of these keywords constrains values of that family only.
FAMILY_KEYWORDS = {
    "string": STRING_KEYWORDS,
    "number": NUMBER_KEYWORDS,
    "integer": NUMBER_KEYWORDS,
    "array": ARRAY_KEYWORDS + ("unevaluatedItems",),
    "object": OBJECT_KEYWORDS,
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
ANNOTATION_KEYWORDS = frozenset(
    "title description default examples deprecated readOnly writeOnly $comment format "
    "contentEncoding contentMediaType contentSchema".split()
)
