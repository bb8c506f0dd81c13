"""Bundling spec $defs into tool schemas, and synthesising minimal valid instances."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mcpmint.schema.walk import bundle, resolve_pointer, spec_defs_used
from mcpmint.schema.synth import synthesise

DEFS = {
    "City": {"type": "string", "minLength": 1},
    "Day": {"type": "object", "properties": {"city": {"$ref": "#/$defs/City"}}},
    "Unused": {"type": "integer"},
}


def test_bundling_copies_only_the_definitions_a_schema_reaches() -> None:
    schema = {"type": "object", "properties": {"d": {"$ref": "#/$defs/Day"}}}
    bundled = bundle(schema, DEFS)
    assert list(bundled["$defs"]) == ["City", "Day"]
    assert bundled["properties"] == schema["properties"]
    assert Draft202012Validator(bundled).is_valid({"d": {"city": "Oslo"}})
    assert not Draft202012Validator(bundled).is_valid({"d": {"city": ""}})


def test_a_schema_s_own_definitions_win_over_the_spec_s() -> None:
    schema = {
        "type": "object",
        "$defs": {"City": {"type": "integer"}},
        "properties": {"c": {"$ref": "#/$defs/City"}},
    }
    assert spec_defs_used(schema, DEFS) == []
    assert bundle(schema, DEFS)["$defs"] == {"City": {"type": "integer"}}


def test_a_schema_without_refs_is_served_unchanged() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert bundle(schema, DEFS) == schema


def test_json_pointers_unescape_their_tokens() -> None:
    assert resolve_pointer({"a/b": {"~c": [1, 2]}}, "/a~1b/~0c/1") == (True, 2)
    assert resolve_pointer({"a": 1}, "/b") == (False, None)


@pytest.mark.parametrize(
    "schema",
    [
        {
            "type": "object",
            "properties": {"n": {"type": "integer", "minimum": 3, "multipleOf": 2}},
            "required": ["n"],
        },
        {
            "type": "object",
            "properties": {"x": {"type": "number", "exclusiveMinimum": 0.5}},
            "required": ["x"],
        },
        {
            "type": "object",
            "properties": {"s": {"type": "string", "minLength": 4, "format": "email"}},
            "required": ["s"],
        },
        {
            "type": "object",
            "properties": {
                "a": {"type": "array", "minItems": 2, "items": {"enum": ["x"]}}
            },
            "required": ["a"],
        },
        {
            "type": "object",
            "properties": {"u": {"oneOf": [{"type": "null"}, {"type": "integer"}]}},
            "required": ["u"],
        },
        {
            "type": "object",
            "properties": {"c": {"const": "v1"}, "t": {"type": ["null", "boolean"]}},
            "required": ["c", "t"],
        },
        {
            "type": "object",
            "properties": {
                "m": {
                    "allOf": [
                        {
                            "type": "object",
                            "properties": {"a": {"type": "integer"}},
                            "required": ["a"],
                        }
                    ]
                }
            },
            "required": ["m"],
        },
    ],
)
def test_synthesised_instances_are_valid(schema: dict[str, Any]) -> None:
    found, instance = synthesise(schema)
    assert found
    assert Draft202012Validator(schema).is_valid(instance)


def test_an_unsatisfiable_schema_gives_no_instance() -> None:
    assert synthesise(
        {"type": "object", "properties": {"a": False}, "required": ["a"]}
    ) == (False, None)
