"""`mcpmint diff`: each rule both ways, refs, renames, semver, rendering, loading."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mcpmint.specdiff.report import (
    Change,
    DiffInputError,
    DiffReport,
    Level,
    bump_ok,
    declared_bump,
    diff_specs,
    exit_code,
    implied_bump,
    load_side,
    render_json,
    render_text,
)
from mcpmint.specdiff.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data" / "diff"
S: dict[str, Any] = {"type": "string"}
NULL: dict[str, Any] = {"type": "null"}
OBJ_A: dict[str, Any] = {"type": "object", "properties": {"a": S}}


def tool(name: str = "t", **fields: Any) -> dict[str, Any]:
    return {"name": name, "inputSchema": {"type": "object"}, **fields}


def spec(*tools: dict[str, Any], **top: Any) -> dict[str, Any]:
    server = {"name": "demo", "version": "1.0.0", **top.pop("server", {})}
    return {"mcpmint": 1, "server": server, "tools": list(tools), **top}


HEADER_AT = "tools[t].inputSchema.properties.region.x-mcp-header"


def mirrored(header: str | None) -> dict[str, Any]:
    """Tool t with a string parameter `region`, mirrored into `header` if any."""
    region = {"type": "string"} | ({"x-mcp-header": header} if header else {})
    return tool(inputSchema={"type": "object", "properties": {"region": region}})


def found(old: dict[str, Any], new: dict[str, Any]) -> set[tuple[str, str]]:
    """(rule, path) of every change from old to new."""
    return {(c.rule, c.path) for c in diff_specs(old, new).changes}


def edited(direction: str, old: Any, new: Any) -> set[tuple[str, str]]:
    """(rule, path below the property) when property x of a tool's schema changes."""
    key = f"{direction}Schema"

    def wrap(schema: Any) -> dict[str, Any]:
        fields: dict[str, Any] = {key: {"type": "object", "properties": {"x": schema}}}
        return spec(tool(**fields))

    base = f"tools[t].{key}.properties.x"
    changes = found(wrap(old), wrap(new))
    return {(rule, path.removeprefix(base)) for rule, path in changes}


# Each schema edit, applied once to an input property and once to an output property:
# (id, old, new, expected input changes, expected output changes), as (rule, subpath).
SCHEMA_CASES: list[tuple[str, Any, Any, set[tuple[str, str]], set[tuple[str, str]]]] = [
    ("null dropped from the type", {"type": ["string", "null"]}, S,
     {("input-type-narrowed", ".type")}, {("output-type-narrowed", ".type")}),
    ("null added to the type", S, {"type": ["string", "null"]},
     {("input-type-widened", ".type")}, {("output-type-widened", ".type")}),
    ("number became integer", {"type": "number"}, {"type": "integer"},
     {("input-type-narrowed", ".type")}, {("output-type-narrowed", ".type")}),
    ("integer became number", {"type": "integer"}, {"type": "number"},
     {("input-type-widened", ".type")}, {("output-type-widened", ".type")}),
    ("a type where any was allowed", {}, S,
     {("input-type-narrowed", ".type")}, {("output-type-narrowed", ".type")}),
    ("string became integer", S, {"type": "integer"},
     {("input-type-changed", ".type")}, {("output-type-changed", ".type")}),
    ("an unrelated type hides nested changes", OBJ_A, S,
     {("input-type-changed", ".type")}, {("output-type-changed", ".type")}),
    ("enum value removed", {"enum": ["a", "b"]}, {"enum": ["a"]},
     {("input-enum-value-removed", ".enum")}, {("output-enum-value-removed", ".enum")}),
    ("enum value added", {"enum": ["a"]}, {"enum": ["a", "b"]},
     {("input-enum-value-added", ".enum")}, {("output-enum-value-added", ".enum")}),
    ("enum values keep true and 1 apart", {"enum": [1]}, {"enum": [True]},
     {("input-enum-value-removed", ".enum"), ("input-enum-value-added", ".enum")},
     {("output-enum-value-removed", ".enum"), ("output-enum-value-added", ".enum")}),
    ("enum introduced", S, {**S, "enum": ["a"]},
     {("input-values-restricted", ".enum")}, {("output-values-restricted", ".enum")}),
    ("enum dropped", {**S, "enum": ["a"]}, S,
     {("input-values-unrestricted", ".enum")},
     {("output-values-unrestricted", ".enum")}),
    ("const introduced", {"type": "boolean"}, {"type": "boolean", "const": True},
     {("input-values-restricted", ".const")}, {("output-values-restricted", ".const")}),
    ("const dropped", {"const": "v1"}, {},
     {("input-values-unrestricted", ".const")},
     {("output-values-unrestricted", ".const")}),
    ("const changed", {"const": "v1"}, {"const": "v2"},
     {("input-enum-value-removed", ".const"), ("input-enum-value-added", ".const")},
     {("output-enum-value-removed", ".const"), ("output-enum-value-added", ".const")}),
    ("maxLength lowered", {"maxLength": 10}, {"maxLength": 5},
     {("input-constraint-tightened", ".maxLength")},
     {("output-constraint-tightened", ".maxLength")}),
    ("maxLength raised", {"maxLength": 5}, {"maxLength": 10},
     {("input-constraint-loosened", ".maxLength")},
     {("output-constraint-loosened", ".maxLength")}),
    ("minLength added", S, {**S, "minLength": 1},
     {("input-constraint-tightened", ".minLength")},
     {("output-constraint-tightened", ".minLength")}),
    ("minLength removed", {**S, "minLength": 1}, S,
     {("input-constraint-loosened", ".minLength")},
     {("output-constraint-loosened", ".minLength")}),
    ("maximum lowered", {"maximum": 14}, {"maximum": 7},
     {("input-constraint-tightened", ".maximum")},
     {("output-constraint-tightened", ".maximum")}),
    ("minimum lowered", {"minimum": 1}, {"minimum": 0},
     {("input-constraint-loosened", ".minimum")},
     {("output-constraint-loosened", ".minimum")}),
    ("exclusiveMaximum lowered", {"exclusiveMaximum": 1.5}, {"exclusiveMaximum": 1},
     {("input-constraint-tightened", ".exclusiveMaximum")},
     {("output-constraint-tightened", ".exclusiveMaximum")}),
    ("exclusiveMinimum raised", {"exclusiveMinimum": 0}, {"exclusiveMinimum": 1},
     {("input-constraint-tightened", ".exclusiveMinimum")},
     {("output-constraint-tightened", ".exclusiveMinimum")}),
    ("maxItems removed", {"maxItems": 3}, {},
     {("input-constraint-loosened", ".maxItems")},
     {("output-constraint-loosened", ".maxItems")}),
    ("minItems raised", {"minItems": 0}, {"minItems": 1},
     {("input-constraint-tightened", ".minItems")},
     {("output-constraint-tightened", ".minItems")}),
    ("maxProperties lowered", {"maxProperties": 3}, {"maxProperties": 2},
     {("input-constraint-tightened", ".maxProperties")},
     {("output-constraint-tightened", ".maxProperties")}),
    ("minProperties lowered", {"minProperties": 2}, {"minProperties": 1},
     {("input-constraint-loosened", ".minProperties")},
     {("output-constraint-loosened", ".minProperties")}),
    ("pattern added", S, {**S, "pattern": "^[a-z]+$"},
     {("input-constraint-tightened", ".pattern")},
     {("output-constraint-tightened", ".pattern")}),
    ("pattern changed", {"pattern": "^a"}, {"pattern": "^b"},
     {("input-constraint-changed", ".pattern")},
     {("output-constraint-changed", ".pattern")}),
    ("pattern removed", {"pattern": "^a"}, {},
     {("input-constraint-loosened", ".pattern")},
     {("output-constraint-loosened", ".pattern")}),
    ("format added", S, {**S, "format": "date"},
     {("input-constraint-tightened", ".format")},
     {("output-constraint-tightened", ".format")}),
    ("format changed", {"format": "date"}, {"format": "date-time"},
     {("input-constraint-changed", ".format")},
     {("output-constraint-changed", ".format")}),
    ("unchecked format added", S, {**S, "format": "password"},
     {("schema-doc-changed", ".format")},
     {("schema-doc-changed", ".format")}),
    ("unchecked format changed to a checked one", {"format": "idn-email"},
     {"format": "email"},
     {("input-constraint-tightened", ".format")},
     {("output-constraint-tightened", ".format")}),
    ("checked format changed to an unchecked one", {"format": "uuid"},
     {"format": "password"},
     {("input-constraint-loosened", ".format")},
     {("output-constraint-loosened", ".format")}),
    ("multipleOf changed to a multiple", {"multipleOf": 2}, {"multipleOf": 4},
     {("input-constraint-tightened", ".multipleOf")},
     {("output-constraint-tightened", ".multipleOf")}),
    ("multipleOf changed to a divisor", {"multipleOf": 0.5}, {"multipleOf": 0.25},
     {("input-constraint-loosened", ".multipleOf")},
     {("output-constraint-loosened", ".multipleOf")}),
    ("multipleOf changed to an unrelated step", {"multipleOf": 2}, {"multipleOf": 3},
     {("input-constraint-changed", ".multipleOf")},
     {("output-constraint-changed", ".multipleOf")}),
    ("uniqueItems turned on", {"type": "array"}, {"type": "array", "uniqueItems": True},
     {("input-constraint-tightened", ".uniqueItems")},
     {("output-constraint-tightened", ".uniqueItems")}),
    ("uniqueItems turned off", {"uniqueItems": True}, {"uniqueItems": False},
     {("input-constraint-loosened", ".uniqueItems")},
     {("output-constraint-loosened", ".uniqueItems")}),
    ("uniqueItems false dropped", {"uniqueItems": False}, {}, set(), set()),
    ("optional property added", OBJ_A,
     {"type": "object", "properties": {"a": S, "b": S}},
     {("input-property-added", ".properties.b")},
     {("output-property-added", ".properties.b")}),
    ("required property added", OBJ_A,
     {"type": "object", "properties": {"a": S, "b": S}, "required": ["b"]},
     {("input-property-added-required", ".properties.b")},
     {("output-property-added", ".properties.b")}),
    ("property made required", OBJ_A, {**OBJ_A, "required": ["a"]},
     {("input-property-required", ".required")},
     {("output-property-required", ".required")}),
    ("property made optional", {**OBJ_A, "required": ["a"]}, OBJ_A,
     {("input-property-optional", ".required")},
     {("output-property-optional", ".required")}),
    ("property removed from an open object", OBJ_A, {"type": "object"},
     {("input-property-removed", ".properties.a")},
     {("output-property-removed", ".properties.a")}),
    ("required property removed from a closed object",
     {**OBJ_A, "required": ["a"], "additionalProperties": False},
     {"type": "object", "additionalProperties": False},
     {("input-property-removed-closed", ".properties.a")},
     {("output-property-removed-required", ".properties.a")}),
    # A key an additionalProperties schema covers on one side: its values go from one
    # schema to the other (a typed client validates extra keys by that schema).
    ("property added where extra properties were integers",
     {"type": "object", "additionalProperties": {"type": "integer"}},
     {"type": "object", "properties": {"b": S},
      "additionalProperties": {"type": "integer"}},
     {("input-property-added", ".properties.b"),
      ("input-type-changed", ".properties.b.type")},
     {("output-property-added", ".properties.b"),
      ("output-type-changed", ".properties.b.type")}),
    ("property removed, extra properties are strings",
     {**OBJ_A, "additionalProperties": S},
     {"type": "object", "additionalProperties": S},
     {("input-property-removed", ".properties.a")},
     {("output-property-removed", ".properties.a")}),
    ("property removed, extra properties are integers",
     {**OBJ_A, "additionalProperties": {"type": "string"}},
     {"type": "object", "additionalProperties": {"type": "integer"}},
     {("input-property-removed", ".properties.a"),
      ("input-type-changed", ".properties.a.type"),
      ("input-type-changed", ".additionalProperties.type")},
     {("output-property-removed", ".properties.a"),
      ("output-type-changed", ".properties.a.type"),
      ("output-type-changed", ".additionalProperties.type")}),
    ("additionalProperties closed", OBJ_A, {**OBJ_A, "additionalProperties": False},
     {("input-additional-properties-closed", ".additionalProperties")},
     {("output-additional-properties-closed", ".additionalProperties")}),
    ("additionalProperties opened", {**OBJ_A, "additionalProperties": False}, OBJ_A,
     {("input-additional-properties-opened", ".additionalProperties")},
     {("output-additional-properties-opened", ".additionalProperties")}),
    ("additionalProperties schema narrowed",
     {"additionalProperties": {"type": ["integer", "string"]}},
     {"additionalProperties": {"type": "integer"}},
     {("input-type-narrowed", ".additionalProperties.type")},
     {("output-type-narrowed", ".additionalProperties.type")}),
    ("nested property changed", {"type": "object", "properties": {"a": OBJ_A}},
     {"type": "object", "properties": {"a": {**OBJ_A, "required": ["a"]}}},
     {("input-property-required", ".properties.a.required")},
     {("output-property-required", ".properties.a.required")}),
    ("items widened", {"type": "array", "items": {"type": "integer"}},
     {"type": "array", "items": {"type": "number"}},
     {("input-type-widened", ".items.type")}, {("output-type-widened", ".items.type")}),
    ("items added", {"type": "array"}, {"type": "array", "items": S},
     {("input-type-narrowed", ".items.type")},
     {("output-type-narrowed", ".items.type")}),
    ("items closed", {"prefixItems": [S], "items": S},
     {"prefixItems": [S], "items": False},
     {("input-subschema-closed", ".items")}, {("output-subschema-closed", ".items")}),
    ("items opened", {"prefixItems": [S], "items": False}, {"prefixItems": [S]},
     {("input-subschema-opened", ".items")}, {("output-subschema-opened", ".items")}),
    ("prefixItems entry narrowed", {"prefixItems": [{"type": ["string", "integer"]}]},
     {"prefixItems": [S]},
     {("input-type-narrowed", ".prefixItems[0].type")},
     {("output-type-narrowed", ".prefixItems[0].type")}),
    ("prefixItems entry added", {"prefixItems": [S]},
     {"prefixItems": [S, {"type": "integer"}]},
     {("input-type-narrowed", ".prefixItems[1].type")},
     {("output-type-narrowed", ".prefixItems[1].type")}),
    ("anyOf branch added", {"anyOf": [S, {"type": "integer"}]},
     {"anyOf": [S, {"type": "integer"}, NULL]},
     {("input-branch-added", ".anyOf[2]")}, {("output-branch-added", ".anyOf[2]")}),
    ("anyOf branch removed", {"anyOf": [S, {"type": "integer"}, NULL]},
     {"anyOf": [S, NULL]},
     {("input-branch-removed", ".anyOf[1]")}, {("output-branch-removed", ".anyOf[1]")}),
    ("oneOf branch removed", {"oneOf": [S, NULL]}, {"oneOf": [S]},
     {("input-branch-removed", ".oneOf[1]")}, {("output-branch-removed", ".oneOf[1]")}),
    ("branches pair by type", {"anyOf": [{"type": "integer"}, {**S, "maxLength": 5}]},
     {"anyOf": [{**S, "maxLength": 3}]},
     {("input-branch-removed", ".anyOf[0]"),
      ("input-constraint-tightened", ".anyOf[0].maxLength")},
     {("output-branch-removed", ".anyOf[0]"),
      ("output-constraint-tightened", ".anyOf[0].maxLength")}),
    ("a plain schema became a nullable union", {**S, "description": "d"},
     {"anyOf": [S, NULL], "description": "d"},
     {("input-branch-added", ".anyOf[1]")}, {("output-branch-added", ".anyOf[1]")}),
    ("a nullable union became a plain schema", {"anyOf": [S, NULL]}, S,
     {("input-branch-removed", ".anyOf[1]")}, {("output-branch-removed", ".anyOf[1]")}),
    ("anyOf added beside a type", S,
     {**S, "anyOf": [{"minLength": 2}, {"pattern": "x"}]},
     {("input-constraint-tightened", ".anyOf")},
     {("output-constraint-tightened", ".anyOf")}),
    ("anyOf removed beside a type", {**S, "anyOf": [{"minLength": 2}]}, S,
     {("input-constraint-loosened", ".anyOf")},
     {("output-constraint-loosened", ".anyOf")}),
    ("anyOf replaced by oneOf", {"anyOf": [S, NULL]}, {"oneOf": [S, NULL]},
     {("unclassified-change", ".oneOf")}, {("unclassified-change", ".oneOf")}),
    ("allOf schema added", {"allOf": [{"minLength": 1}]},
     {"allOf": [{"minLength": 1}, {"maxLength": 9}]},
     {("input-allof-branch-added", ".allOf[1]")},
     {("output-allof-branch-added", ".allOf[1]")}),
    ("allOf schema removed", {"allOf": [{"minLength": 1}]}, {},
     {("input-allof-branch-removed", ".allOf[0]")},
     {("output-allof-branch-removed", ".allOf[0]")}),
    ("default changed", {"default": 3}, {"default": 5},
     {("input-default-changed", ".default")}, {("schema-doc-changed", ".default")}),
    ("default added", {}, {"default": None},
     {("input-default-changed", ".default")}, {("schema-doc-changed", ".default")}),
    ("description and title edited", {"description": "a", "title": "A"},
     {"description": "b"},
     {("schema-doc-changed", ".description"), ("schema-doc-changed", ".title")},
     {("schema-doc-changed", ".description"), ("schema-doc-changed", ".title")}),
    ("deprecated turned on", S, {**S, "deprecated": True},
     {("schema-deprecated", ".deprecated")}, {("schema-deprecated", ".deprecated")}),
    ("deprecated turned off", {"deprecated": True}, {},
     {("schema-doc-changed", ".deprecated")}, {("schema-doc-changed", ".deprecated")}),
    ("unknown keyword changed", {"not": NULL}, {"not": S},
     {("unclassified-change", ".not")}, {("unclassified-change", ".not")}),
    ("unresolvable ref changed", {"$ref": "geo.yaml#/A"}, {"$ref": "geo.yaml#/B"},
     {("unclassified-change", ".$ref")}, {("unclassified-change", ".$ref")}),
    ("true and an empty schema are equal", True, {}, set(), set()),
    ("false became a schema", False, S,
     {("input-subschema-opened", "")}, {("output-subschema-opened", "")}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "inputs", "outputs"),
    [case[1:] for case in SCHEMA_CASES],
    ids=[case[0] for case in SCHEMA_CASES],
)
def test_a_schema_edit_is_classified_by_its_direction(
    old: Any, new: Any, inputs: set[tuple[str, str]], outputs: set[tuple[str, str]]
) -> None:
    assert edited("input", old, new) == inputs
    assert edited("output", old, new) == outputs


def with_annotations(old: dict[str, Any], new: dict[str, Any]) -> tuple[Any, Any]:
    return spec(tool(annotations=old)), spec(tool(annotations=new))


A = "tools[t].annotations"
# (id, old spec, new spec, expected (rule, path) changes) above the level of schemas.
LEVEL: dict[str, Any] = {"type": "string", "enum": ["low", "high"]}


def obj_with(schema: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"level": schema}}


def with_defs(old: dict[str, Any], new: dict[str, Any]) -> tuple[Any, Any]:
    """Two specs whose one tool refs their first `$defs` entry."""
    return tuple(
        spec(tool(inputSchema=obj_with({"$ref": f"#/$defs/{next(iter(defs))}"})),
             **{"$defs": defs})
        for defs in (old, new)
    )  # fmt: skip


RES_A = {"uri": "x://a", "name": "a", "text": "hi", "mimeType": "text/plain"}
TPL = {"uriTemplate": "x://books/{id}", "name": "book",
       "variables": {"id": {"type": "integer"}}}  # fmt: skip
PR_ARG: dict[str, Any] = {"name": "code"}
PR_INT = {"type": "integer", "maximum": 3}


def message(text: str) -> dict[str, Any]:
    return {"role": "user", "content": {"type": "text", "text": text}}


def prompt(*arguments: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The prompt `review` with these arguments and one message."""
    entry = {"name": "review", "arguments": list(arguments),
             "messages": [message("Review {code}")], **fields}  # fmt: skip
    return {k: v for k, v in entry.items() if v is not None}


PR = prompt(PR_ARG)
SPEC_CASES: list[tuple[str, Any, Any, set[tuple[str, str]]]] = [
    ("server name changed", spec(), spec(server={"name": "other"}),
     {("server-name-changed", "server.name")}),
    ("server package changed",
     spec(server={"package": "a"}), spec(server={"package": "b"}),
     {("server-package-changed", "server.package")}),
    ("instructions added", spec(), spec(server={"instructions": "Be careful."}),
     {("server-instructions-changed", "server.instructions")}),
    ("server title and description edited", spec(server={"title": "A"}),
     spec(server={"title": "B", "description": "d"}),
     {("server-text-changed", "server.title"),
      ("server-text-changed", "server.description")}),
    ("server version alone is not a change", spec(), spec(server={"version": "9.0.0"}),
     set()),
    ("unknown server key changed", spec(server={"website": "a"}),
     spec(server={"website": "b"}), {("unclassified-change", "server.website")}),
    ("unknown top-level key added", spec(), spec(**{"x-owner": "me"}),
     {("unclassified-change", "x-owner")}),
    ("transport removed", spec(transports=["stdio", "sse"]), spec(transports=["stdio"]),
     {("transport-removed", "transports")}),
    ("transport added to the default", spec(), spec(transports=["stdio", "http"]),
     {("transport-added", "transports")}),
    ("the default transport spelled out", spec(), spec(transports=["stdio"]), set()),
    ("tool removed", spec(tool("a"), tool("b")), spec(tool("a")),
     {("tool-removed", "tools[b]")}),
    ("tool added", spec(tool("a")), spec(tool("a"), tool("b")),
     {("tool-added", "tools[b]")}),
    ("tool renamed", spec(tool("a", description="x")), spec(tool("b", description="y")),
     {("tool-renamed", "tools[a]"), ("tool-text-changed", "tools[b].description")}),
    ("tool replaced by one with another schema",
     spec(tool("a")), spec(tool("b", inputSchema=OBJ_A)),
     {("tool-removed", "tools[a]"), ("tool-added", "tools[b]")}),
    ("tool title edited", spec(tool(title="A")), spec(tool(title="B")),
     {("tool-text-changed", "tools[t].title")}),
    ("tool examples changed", spec(tool(examples=[{"arguments": {}}])), spec(tool()),
     {("tool-examples-changed", "tools[t].examples")}),
    ("tool timeout set where the server had none", spec(tool()), spec(tool(timeout=30)),
     {("timeout-shortened", "tools[t].timeout")}),
    ("tool timeout raised", spec(tool(timeout=5)), spec(tool(timeout=30)),
     {("timeout-lengthened", "tools[t].timeout")}),
    ("tool timeout removed, the server's shorter default applies",
     spec(tool(timeout=60), server={"toolTimeout": 10}),
     spec(tool(), server={"toolTimeout": 10}),
     {("timeout-shortened", "tools[t].timeout")}),
    ("tool timeout spelled out as the server default", spec(tool(), server={"toolTimeout": 10}),
     spec(tool(timeout=10), server={"toolTimeout": 10}), set()),
    ("server default timeout removed", spec(tool(), server={"toolTimeout": 10}),
     spec(tool()), {("timeout-lengthened", "server.toolTimeout")}),
    ("server default timeout lowered", spec(tool(), server={"toolTimeout": 10}),
     spec(tool(), server={"toolTimeout": 2.5}),
     {("timeout-shortened", "server.toolTimeout")}),
    # Only effective limits count: a default no tool uses changes nothing.
    ("server default lowered, every tool has its own timeout",
     spec(tool(timeout=30), tool("u", timeout=5), server={"toolTimeout": 10}),
     spec(tool(timeout=30), tool("u", timeout=5), server={"toolTimeout": 2}), set()),
    ("server default set, every tool has its own timeout",
     spec(tool(timeout=30)), spec(tool(timeout=30), server={"toolTimeout": 2}), set()),
    ("server default removed, every tool has its own timeout",
     spec(tool(timeout=30), server={"toolTimeout": 10}), spec(tool(timeout=30)), set()),
    ("server default changed, no tools", spec(server={"toolTimeout": 10}), spec(), set()),
    ("server default lowered, one tool of two on it",
     spec(tool(timeout=30), tool("u"), server={"toolTimeout": 10}),
     spec(tool(timeout=30), tool("u"), server={"toolTimeout": 2}),
     {("timeout-shortened", "server.toolTimeout")}),
    ("server default lowered as the tool takes its old value",
     spec(tool(), server={"toolTimeout": 10}),
     spec(tool(timeout=10), server={"toolTimeout": 2}), set()),
    ("unknown tool key changed", spec(tool(icons=["a.png"])), spec(tool()),
     {("unclassified-change", "tools[t].icons")}),
    ("outputSchema added", spec(tool()), spec(tool(outputSchema=OBJ_A)),
     {("output-schema-added", "tools[t].outputSchema")}),
    ("outputSchema removed", spec(tool(outputSchema=OBJ_A)), spec(tool()),
     {("output-schema-removed", "tools[t].outputSchema")}),
    ("read-only dropped", *with_annotations(
        {"readOnlyHint": True},
        {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}),
     {("annotation-read-only-dropped", f"{A}.readOnlyHint")}),
    ("read-only added", *with_annotations(
        {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True},
        {"readOnlyHint": True}),
     {("annotation-read-only-added", f"{A}.readOnlyHint")}),
    ("read-only dropped with defaults", *with_annotations({"readOnlyHint": True}, {}),
     {("annotation-read-only-dropped", f"{A}.readOnlyHint"),
      ("annotation-destructive-added", f"{A}.destructiveHint"),
      ("annotation-idempotent-dropped", f"{A}.idempotentHint")}),
    ("destructive by default", *with_annotations({"destructiveHint": False}, {}),
     {("annotation-destructive-added", f"{A}.destructiveHint")}),
    ("destructive dropped", *with_annotations({}, {"destructiveHint": False}),
     {("annotation-destructive-dropped", f"{A}.destructiveHint")}),
    ("idempotent dropped", *with_annotations({"idempotentHint": True}, {}),
     {("annotation-idempotent-dropped", f"{A}.idempotentHint")}),
    ("idempotent added", *with_annotations({}, {"idempotentHint": True}),
     {("annotation-idempotent-added", f"{A}.idempotentHint")}),
    ("open world by default", *with_annotations({"openWorldHint": False}, {}),
     {("annotation-open-world-added", f"{A}.openWorldHint")}),
    ("open world dropped", *with_annotations({}, {"openWorldHint": False}),
     {("annotation-open-world-dropped", f"{A}.openWorldHint")}),
    ("hints a read-only tool ignores", *with_annotations(
        {"readOnlyHint": True, "destructiveHint": True},
        {"readOnlyHint": True, "destructiveHint": False}), set()),
    ("annotation title edited", *with_annotations({"title": "A"}, {"title": "B"}),
     {("tool-text-changed", f"{A}.title")}),
    ("unknown annotation changed", *with_annotations({"x-risk": 1}, {"x-risk": 2}),
     {("unclassified-change", f"{A}.x-risk")}),
    # models.py names: each $defs entry a tool reaches is a class or alias there.
    ("a used definition renamed", *with_defs({"Level": LEVEL}, {"Grade": LEVEL}),
     {("definition-renamed", "$defs.Level")}),
    ("a used definition removed, its schema inlined",
     spec(tool(inputSchema=obj_with({"$ref": "#/$defs/Level"})),
          **{"$defs": {"Level": LEVEL}}),
     spec(tool(inputSchema=obj_with(LEVEL)), **{"$defs": {"Level": LEVEL}}),
     {("definition-removed", "$defs.Level")}),
    ("a definition reached through another one removed",
     *with_defs({"Level": {"$ref": "#/$defs/Code"}, "Code": LEVEL},
                {"Level": LEVEL}),
     {("definition-removed", "$defs.Code")}),
    ("a definition renamed to the same class name",
     *with_defs({"level-name": LEVEL}, {"level_name": LEVEL}), set()),
    ("an unused definition removed",
     spec(tool(), **{"$defs": {"Level": LEVEL}}), spec(tool()), set()),
    ("a definition reached only below its root keeps no name of its own",
     spec(tool(inputSchema=obj_with({"$ref": "#/$defs/Box/properties/a"})),
          **{"$defs": {"Box": OBJ_A}}),
     spec(tool(inputSchema=obj_with(S))), set()),
    # resources (specdiff/resource_walk.py)
    ("a resource removed", spec(tool(), resources=[RES_A]), spec(tool()),
     {("resource-removed", "resources[x://a]")}),
    ("a resource added", spec(tool()), spec(tool(), resources=[RES_A]),
     {("resource-added", "resources[x://a]")}),
    ("a resource's text and type changed", spec(tool(), resources=[RES_A]),
     spec(tool(), resources=[{**RES_A, "text": "bye", "mimeType": "text/markdown"}]),
     {("resource-contents-changed", "resources[x://a]"),
      ("resource-mime-type-changed", "resources[x://a].mimeType")}),
    ("a resource described", spec(tool(), resources=[RES_A]),
     spec(tool(), resources=[{**RES_A, "description": "A."}]),
     {("resource-text-changed", "resources[x://a].description")}),
    ("a template removed", spec(tool(), resourceTemplates=[TPL]), spec(tool()),
     {("resource-template-removed", "resourceTemplates[book]")}),
    ("a template added", spec(tool()), spec(tool(), resourceTemplates=[TPL]),
     {("resource-template-added", "resourceTemplates[book]")}),
    ("a template's URI changed", spec(tool(), resourceTemplates=[TPL]),
     spec(tool(), resourceTemplates=[{**TPL, "uriTemplate": "x://book/{id}"}]),
     {("resource-template-uri-changed", "resourceTemplates[book].uriTemplate")}),
    # A template's `complete:`: what completion/complete offers for each variable.
    ("a template variable's completion removed, prompts still completed",
     spec(tool(), resourceTemplates=[{**TPL, "complete": {"id": {"values": ["1"]}}}],
          prompts=[PR]),
     spec(tool(), resourceTemplates=[TPL], prompts=[PR]),
     {("resource-template-completion-removed", "resourceTemplates[book].complete.id")}),
    ("a template variable's completion removed, nothing completed any more",
     spec(tool(), resourceTemplates=[{**TPL, "complete": {"id": {"values": ["1"]}}}]),
     spec(tool(), resourceTemplates=[TPL]),
     {("resource-template-completion-unserved", "resourceTemplates[book].complete.id")}),
    ("a template variable's completion added", spec(tool(), resourceTemplates=[TPL]),
     spec(tool(), resourceTemplates=[{**TPL, "complete": {"id": {"handler": True}}}]),
     {("resource-template-completion-added", "resourceTemplates[book].complete.id")}),
    ("a template variable's completion values edited",
     spec(tool(), resourceTemplates=[{**TPL, "complete": {"id": {"values": ["1"]}}}]),
     spec(tool(), resourceTemplates=[{**TPL, "complete": {"id": {"values": ["2"]}}}]),
     {("resource-template-completion-changed", "resourceTemplates[book].complete.id")}),
    # Prompts: specdiff/prompt_walk.py.
    ("a prompt removed", spec(tool(), prompts=[PR]), spec(tool()),
     {("prompt-removed", "prompts[review]")}),
    ("a prompt added", spec(tool()), spec(tool(), prompts=[PR]),
     {("prompt-added", "prompts[review]")}),
    ("an optional prompt argument added", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[prompt(PR_ARG, {"name": "tone"})]),
     {("prompt-argument-added", "prompts[review].arguments[tone]")}),
    ("a required prompt argument added", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[prompt(PR_ARG, {"name": "tone", "required": True})]),
     {("prompt-argument-added-required", "prompts[review].arguments[tone]")}),
    ("a prompt argument made required", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[prompt({**PR_ARG, "required": True})]),
     {("prompt-argument-required", "prompts[review].arguments[code].required")}),
    ("a prompt argument made optional",
     spec(tool(), prompts=[prompt({**PR_ARG, "required": True})]),
     spec(tool(), prompts=[PR]),
     {("prompt-argument-optional", "prompts[review].arguments[code].required")}),
    ("a prompt argument removed", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[prompt()]),
     {("prompt-argument-removed", "prompts[review].arguments[code]")}),
    ("a prompt argument's completion changed", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[prompt({**PR_ARG, "complete": {"values": ["a"]}})]),
     {("prompt-completion-changed", "prompts[review].arguments[code].complete")}),
    ("a prompt's messages edited", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[{**PR, "messages": [message("Hi {code}")]}]),
     {("prompt-messages-changed", "prompts[review].messages")}),
    ("a prompt's messages moved to a handler", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[{**prompt(PR_ARG, messages=None), "handler": True}]),
     {("prompt-messages-changed", "prompts[review].messages")}),
    ("a prompt's and an argument's text edited", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[{**prompt({**PR_ARG, "description": "d"}), "title": "R"}]),
     {("prompt-text-changed", "prompts[review].title"),
      ("prompt-text-changed", "prompts[review].arguments[code].description")}),
    ("an unknown prompt key", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[{**PR, "x-owner": "me"}]),
     {("unclassified-change", "prompts[review].x-owner")}),
    # An argument's schema is an input schema; without one it is a string.
    ("a prompt argument restricted to an enum", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[prompt({**PR_ARG, "schema": {"enum": ["a", "b"]}})]),
     {("input-values-restricted", "prompts[review].arguments[code].schema.enum")}),
    ("a prompt argument's maximum raised",
     spec(tool(), prompts=[prompt({**PR_ARG, "schema": PR_INT})]),
     spec(tool(), prompts=[prompt({**PR_ARG, "schema": {**PR_INT, "maximum": 9}})]),
     {("input-constraint-loosened",
       "prompts[review].arguments[code].schema.maximum")}),
    ("a prompt argument's string schema spelled out", spec(tool(), prompts=[PR]),
     spec(tool(), prompts=[prompt({**PR_ARG, "schema": {"type": "string"}})]), set()),
    # Notifications: specdiff/notification_walk.py.
    ("tool list changes announced", spec(tool()),
     spec(tool(), notifications={"tools": {"listChanged": True}}),
     {("notification-added", "notifications.tools.listChanged")}),
    ("resource list changes no longer announced",
     spec(tool(), notifications={"resources": {"listChanged": True}}),
     spec(tool(), notifications={"resources": {"listChanged": False}}),
     {("notification-list-changed-removed", "notifications.resources.listChanged")}),
    ("resource subscriptions dropped with the block",
     spec(tool(), notifications={"resources": {"subscribe": True}}), spec(tool()),
     {("notification-subscribe-removed", "notifications.resources.subscribe")}),
    ("a notifications block that turns nothing on", spec(tool()),
     spec(tool(), notifications={"prompts": {}}), set()),
    # 2026-07-28 details: specdiff/hint_walk.py.
    ("a parameter mirrored into a header", spec(mirrored(None)),
     spec(mirrored("Region")), {("header-mirror-added", HEADER_AT)}),
    ("a header mirror dropped", spec(mirrored("Region")), spec(mirrored(None)),
     {("header-mirror-removed", HEADER_AT)}),
    ("a header mirror renamed", spec(mirrored("Region")), spec(mirrored("Zone")),
     {("header-mirror-renamed", HEADER_AT)}),
    ("a header mirror's case changed", spec(mirrored("Region")),
     spec(mirrored("REGION")), set()),
    ("a list's caching hint changed", spec(tool()),
     spec(tool(), cache={"tools/list": {"ttlMs": 5000}}),
     {("cache-hint-changed", "cache[tools/list]")}),
    ("a resource's own caching hint changed", spec(tool(), resources=[RES_A]),
     spec(tool(), resources=[{**RES_A, "cache": {"cacheScope": "public"}}]),
     {("cache-hint-changed", "resources[x://a].cache")}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [case[1:] for case in SPEC_CASES],
    ids=[case[0] for case in SPEC_CASES],
)
def test_a_spec_edit_is_classified(
    old: dict[str, Any], new: dict[str, Any], expected: set[tuple[str, str]]
) -> None:
    assert found(old, new) == expected


def test_every_rule_is_exercised_by_the_case_tables() -> None:
    seen = {rule for case in SCHEMA_CASES for rule, _ in case[3] | case[4]}
    seen |= {rule for case in SPEC_CASES for rule, _ in case[3]}
    assert seen == set(RULES)


def test_input_and_output_forms_of_a_rule_carry_opposite_risk() -> None:
    pairs = {
        name.removeprefix("input-"): (
            RULES[name].level,
            RULES[f"output-{name[6:]}"].level,
        )
        for name in RULES
        if name.startswith("input-") and f"output-{name[6:]}" in RULES
    }
    e, w, i = Level.ERROR, Level.WARNING, Level.INFO
    assert pairs == {
        "type-narrowed": (e, i),
        "type-widened": (i, e),
        "type-changed": (e, e),
        "enum-value-removed": (e, i),
        "enum-value-added": (i, e),
        "values-restricted": (e, i),
        "values-unrestricted": (i, e),
        "constraint-tightened": (e, i),
        "constraint-loosened": (i, e),
        "constraint-changed": (e, e),
        "property-added": (i, i),
        "property-required": (e, i),
        "property-optional": (i, e),
        "property-removed": (w, w),
        "additional-properties-closed": (e, i),
        "additional-properties-opened": (i, i),
        "subschema-closed": (e, i),
        "subschema-opened": (i, e),
        "branch-added": (i, e),
        "branch-removed": (e, i),
        "allof-branch-added": (e, i),
        "allof-branch-removed": (i, e),
    }


def test_every_rule_bump_matches_its_level() -> None:
    allowed = {
        Level.ERROR: {"major"},
        Level.WARNING: {"minor"},
        Level.INFO: {"minor", "patch"},
    }
    assert all(rule.bump in allowed[rule.level] for rule in RULES.values())


def test_the_rules_document_lists_every_rule_with_its_level_and_bump() -> None:
    text = (ROOT / "docs" / "diff-rules.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z-]+)` \| (\w+) \| (\w+) \|", text, re.MULTILINE)
    documented = {rule: (level, bump) for rule, level, bump in rows}
    assert len(rows) == len(documented)
    assert documented == {k: (r.level.value, r.bump) for k, r in RULES.items()}


def test_a_message_is_one_sentence_ending_in_the_rule_consequence() -> None:
    report = diff_specs(spec(tool("a")), spec())
    assert report.changes == (
        Change(
            Level.ERROR,
            "tools[a]",
            "tool-removed",
            "tool 'a' removed; clients calling it now get an error.",
        ),
    )


# --- $refs -------------------------------------------------------------------------


def city_spec(city: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "properties": {"city": {"$ref": "#/$defs/City"}}}
    weather = tool("forecast", inputSchema=schema, outputSchema=schema)
    other = tool("other", inputSchema={"$ref": "#/$defs/Query"})
    query = {"type": "object", "properties": {"near": {"$ref": "#/$defs/City"}}}
    return spec(weather, other, **{"$defs": {"City": city, "Query": query}})


FORECAST, CITY = "tools[forecast]", "properties.city.minLength"


def test_a_shared_def_change_is_reported_where_each_tool_uses_it() -> None:
    old = city_spec({"type": "string", "minLength": 1})
    new = city_spec({"type": "string", "minLength": 2})
    assert found(old, new) == {
        ("input-constraint-tightened", f"{FORECAST}.inputSchema.{CITY}"),
        ("output-constraint-tightened", f"{FORECAST}.outputSchema.{CITY}"),
        (
            "input-constraint-tightened",
            "tools[other].inputSchema.properties.near.minLength",
        ),
    }


def test_an_unused_def_change_reaches_no_client() -> None:
    old = spec(**{"$defs": {"Unused": S}})
    assert found(old, spec(**{"$defs": {"Unused": {"type": "integer"}}})) == set()


def test_a_def_moved_inline_is_not_a_change() -> None:
    old = city_spec(S)
    new = copy.deepcopy(old)
    new["tools"][0]["inputSchema"]["properties"]["city"] = S
    assert found(old, new) == set()


def test_a_tool_local_def_wins_over_the_spec_def_of_the_same_name() -> None:
    def make(local: dict[str, Any]) -> dict[str, Any]:
        schema = {
            "type": "object",
            "properties": {"x": {"$ref": "#/$defs/X"}},
            "$defs": {"X": local},
        }
        return spec(tool(inputSchema=schema), **{"$defs": {"X": {"type": "integer"}}})

    assert found(make(S), make({"enum": ["a"], **S})) == {
        ("input-values-restricted", "tools[t].inputSchema.properties.x.enum")
    }


def test_keywords_beside_a_ref_apply_with_it() -> None:
    old = spec(
        tool(outputSchema={"$ref": "#/$defs/Issue"}), **{"$defs": {"Issue": OBJ_A}}
    )
    new = copy.deepcopy(old)
    new["tools"][0]["outputSchema"]["required"] = ["a"]
    assert found(old, new) == {
        ("output-property-required", "tools[t].outputSchema.required")
    }


def node_spec(label: dict[str, Any]) -> dict[str, Any]:
    node = {
        "type": "object",
        "properties": {
            "label": label,
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
            "parent": {"$ref": "#/$defs/Node"},
        },
    }
    return spec(tool(inputSchema={"$ref": "#/$defs/Node"}), **{"$defs": {"Node": node}})


def test_a_recursive_def_is_compared_once() -> None:
    assert found(node_spec(S), node_spec({**S, "maxLength": 9})) == {
        (
            "input-constraint-tightened",
            "tools[t].inputSchema.properties.label.maxLength",
        )
    }


def test_mutually_recursive_defs_terminate() -> None:
    def make(kind: str) -> dict[str, Any]:
        defs = {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}},
            "B": {"type": ["object", kind], "properties": {"a": {"$ref": "#/$defs/A"}}},
        }
        return spec(tool(inputSchema={"$ref": "#/$defs/A"}), **{"$defs": defs})

    assert found(make("null"), make("string")) == {
        ("input-type-changed", "tools[t].inputSchema.properties.b.type")
    }


def test_a_schema_that_refers_to_its_own_root_terminates() -> None:
    def make(limit: int) -> dict[str, Any]:
        schema = {
            "type": "object",
            "properties": {"next": {"$ref": "#"}, "n": {"maximum": limit}},
        }
        return spec(tool(inputSchema=schema))

    assert found(make(5), make(4)) == {
        ("input-constraint-tightened", "tools[t].inputSchema.properties.n.maximum")
    }


def test_a_self_referencing_ref_does_not_loop() -> None:
    old = spec(
        tool(inputSchema={"$ref": "#/$defs/A"}),
        **{"$defs": {"A": {"$ref": "#/$defs/A"}}},
    )
    assert found(old, copy.deepcopy(old)) == set()


def test_a_def_shared_within_one_schema_is_reported_at_its_first_use() -> None:
    names = ["zeta", "alpha", "mu", "beta", "omega", "kappa", "delta", "pi", "eta"]

    def make(city: dict[str, Any]) -> dict[str, Any]:
        props = {name: {"$ref": "#/$defs/City"} for name in names}
        schema = {"type": "object", "properties": props}
        return spec(tool(inputSchema=schema), **{"$defs": {"City": city}})

    assert found(make(S), make({**S, "maxLength": 9})) == {
        ("input-constraint-tightened", "tools[t].inputSchema.properties.zeta.maxLength")
    }


def test_bare_true_and_false_subschemas_are_reported_wherever_they_change() -> None:
    def make(items: Any) -> dict[str, Any]:
        props = {name: {"type": "array", "items": items} for name in "ab"}
        schema = {"type": "object", "properties": props}
        return spec(tool(inputSchema=schema))

    assert found(make(True), make(False)) == {
        ("input-subschema-closed", "tools[t].inputSchema.properties.a.items"),
        ("input-subschema-closed", "tools[t].inputSchema.properties.b.items"),
    }


def test_an_open_schema_against_a_recursive_def_terminates() -> None:
    tree = {"type": "array", "items": {"$ref": "#/$defs/Tree"}}
    old = spec(tool(inputSchema={"type": "array"}))
    new = spec(tool(inputSchema={"$ref": "#/$defs/Tree"}), **{"$defs": {"Tree": tree}})
    assert found(old, new) == {
        ("input-type-narrowed", "tools[t].inputSchema.items.type")
    }


def test_a_def_that_became_nullable_through_a_union_terminates() -> None:
    node = {"type": "object", "properties": {"next": {"$ref": "#/$defs/N"}}}
    old = spec(tool(outputSchema={"$ref": "#/$defs/N"}), **{"$defs": {"N": node}})
    new = copy.deepcopy(old)
    new["$defs"]["N"] = {"anyOf": [node, NULL]}
    assert found(old, new) == {
        ("output-branch-added", "tools[t].outputSchema.anyOf[1]")
    }


# --- renames -----------------------------------------------------------------------


def test_a_rename_takes_one_added_tool_and_leaves_the_rest_added() -> None:
    old = spec(tool("a"), tool("b", inputSchema=OBJ_A))
    new = spec(tool("c"), tool("d"))
    assert found(old, new) == {
        ("tool-renamed", "tools[a]"),
        ("tool-removed", "tools[b]"),
        ("tool-added", "tools[d]"),
    }


def test_a_rename_is_an_error_that_names_both_tools() -> None:
    (change,) = diff_specs(spec(tool("close")), spec(tool("resolve"))).changes
    assert change.level is Level.ERROR
    assert change.message.startswith("tool 'close' is gone and 'resolve' has its input")


def test_a_declared_rename_is_reported_with_every_change_inside_it() -> None:
    old = spec(tool("search", description="x", inputSchema=OBJ_A))
    limited = {
        "type": "object",
        "properties": {"a": {"type": "string", "maxLength": 9}},
    }
    new = spec(
        tool(
            "find",
            description="x",
            renamedFrom="search",
            inputSchema=limited,
            annotations={"openWorldHint": False},
        )
    )
    report = diff_specs(old, new)
    assert {(c.rule, c.path) for c in report.changes} == {
        ("tool-renamed", "tools[search]"),
        (
            "input-constraint-tightened",
            "tools[find].inputSchema.properties.a.maxLength",
        ),
        ("annotation-open-world-dropped", "tools[find].annotations.openWorldHint"),
    }
    renamed = next(c for c in report.changes if c.rule == "tool-renamed")
    assert renamed.level is Level.ERROR
    assert renamed.message == (
        "tool 'search' renamed to 'find' (renamedFrom: search); "
        "clients calling the old name now get an error."
    )
    assert report.implied_bump == "major"


def test_a_declared_rename_compares_annotations_and_wins_over_a_schema_match() -> None:
    # `b` has a's schema, but `c` declares the rename: a -> c, b is added
    old = spec(tool("a", annotations={"readOnlyHint": True}))
    writes = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
    new = spec(tool("b"), tool("c", renamedFrom="a", annotations=writes))
    assert found(old, new) == {
        ("tool-renamed", "tools[a]"),
        ("annotation-read-only-dropped", "tools[c].annotations.readOnlyHint"),
        ("tool-added", "tools[b]"),
    }


@pytest.mark.parametrize(
    "old,new",
    [
        # the old name is still there: the renamedFrom is an earlier rename
        (
            spec(tool("a"), tool("x", inputSchema=OBJ_A)),
            spec(tool("a"), tool("b", renamedFrom="a")),
        ),
        # the new name was already there: the rename happened before OLD
        (spec(tool("b", renamedFrom="a")), spec(tool("b", renamedFrom="a", title="T"))),
    ],
)
def test_a_renamed_from_that_is_no_rename_between_the_two_sides_is_not_reported(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    rules = {c.rule for c in diff_specs(old, new).changes}
    assert "tool-renamed" not in rules and "unclassified-change" not in rules


# --- tolerance of malformed data ---------------------------------------------------


@pytest.mark.parametrize(
    "broken",
    [
        {"tools": "none"},
        {"tools": [1, {"title": "no name"}], "server": "x", "transports": "stdio"},
        {"tools": [{"name": "t", "inputSchema": [], "annotations": 3}]},
        {
            "tools": [
                tool(inputSchema={"properties": {1: {"multipleOf": float("inf")}}})
            ]
        },
        {"tools": [tool(inputSchema={"enum": [{1: "a", "b": 2}], "required": "a"})]},
    ],
)
def test_malformed_specs_are_compared_without_crashing(broken: dict[str, Any]) -> None:
    report = diff_specs(broken, spec(tool()))
    assert all(change.rule in RULES for change in report.changes)


def test_identical_specs_have_no_changes() -> None:
    tracker = load_side("tracker_v1.yaml", cwd=DATA)
    report = diff_specs(tracker, copy.deepcopy(tracker))
    assert report == DiffReport((), "1.4.0", "1.4.0", "none", "none", True)


# --- semver --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "implied"),
    [
        (spec(tool("a")), spec(), "major"),
        (spec(), spec(server={"instructions": "x"}), "minor"),
        (spec(), spec(tool("a")), "minor"),
        (spec(tool(description="a")), spec(tool(description="b")), "patch"),
        (spec(), spec(), "none"),
    ],
    ids=["an error", "a warning", "an added tool", "a text edit", "nothing"],
)
def test_the_implied_bump_is_the_largest_of_the_changes(
    old: dict[str, Any], new: dict[str, Any], implied: str
) -> None:
    assert diff_specs(old, new).implied_bump == implied
    assert implied_bump(diff_specs(old, new).changes) == implied


@pytest.mark.parametrize(
    ("old", "new", "declared"),
    [
        ("1.2.0", "2.0.0", "major"),
        ("1.2.3", "1.3.0", "minor"),
        ("1.2.3", "1.2.4", "patch"),
        ("1.2.3", "1.2.3", "none"),
        ("1.2.3-rc.1", "1.2.3+build.7", "none"),
        ("1.3.0", "1.2.9", "unknown"),
        ("1.2", "1.3", "unknown"),
        (None, "1.0.0", "unknown"),
    ],
)
def test_the_declared_bump_reads_server_version(
    old: str | None, new: str | None, declared: str
) -> None:
    assert declared_bump(old, new) == declared


@pytest.mark.parametrize(
    ("implied", "declared", "old", "ok"),
    [
        ("major", "major", "1.0.0", True),
        ("major", "minor", "1.0.0", False),
        ("minor", "patch", "1.0.0", False),
        ("patch", "patch", "1.0.0", True),
        ("major", "minor", "0.4.0", True),
        ("major", "patch", "0.4.0", False),
        ("minor", "patch", "0.4.0", True),
        ("minor", "none", "0.4.0", False),
        ("none", "unknown", None, True),
        ("patch", "unknown", None, False),
    ],
)
def test_a_bump_is_ok_when_it_covers_the_changes_with_0x_rules(
    implied: Any, declared: Any, old: str | None, ok: bool
) -> None:
    assert bump_ok(implied, declared, old) is ok


def test_a_yaml_float_version_is_unknown_rather_than_guessed() -> None:
    report = diff_specs(spec(server={"version": 1.2}), spec(server={"version": 1.3}))
    summary = (report.old_version, report.declared_bump, report.bump_ok)
    assert summary == ("1.2", "unknown", True)


# --- rendering -----------------------------------------------------------------------

TRACKER_REPORT = """\
Errors (5):
  tools[close_issue]: tool 'close_issue' is gone and 'resolve_issue' has its input schema, so it looks renamed; clients calling the old name now get an error. [tool-renamed]
  tools[create_issue].inputSchema.properties.title.maxLength: maxLength lowered from 200 to 120; arguments valid before may now be rejected. [input-constraint-tightened]
  tools[delete_issue].inputSchema.properties.reason: required property 'reason' added; calls without it now fail. [input-property-added-required]
  tools[search_issues].inputSchema.properties.per_page.maximum: maximum lowered from 100 to 50; arguments valid before may now be rejected. [input-constraint-tightened]
  transports: transport 'sse' removed; clients configured for it can no longer connect. [transport-removed]

Warnings (3):
  server.instructions: instructions changed; models now get different guidance on the tools. [server-instructions-changed]
  tools[list_labels].outputSchema: outputSchema added; results gain structuredContent and typed clients a new return type. [output-schema-added]
  tools[search_issues].inputSchema.properties.sort.default: default changed from "created" to "updated"; calls that omit the argument may behave differently. [input-default-changed]

Info (7):
  tools[add_comment]: tool 'add_comment' added; clients gain a tool. [tool-added]
  tools[create_issue].examples: examples changed; only the generated round-trip tests change. [tool-examples-changed]
  tools[create_issue].inputSchema.properties.due: optional property 'due' added; clients may send it. [input-property-added]
  tools[create_issue].inputSchema.properties.labels.maxItems: maxItems raised from 10 to 20; the tool accepts more arguments. [input-constraint-loosened]
  tools[get_issue].description: description changed; models may choose or call the tool differently. [tool-text-changed]
  tools[resolve_issue].description: description changed; models may choose or call the tool differently. [tool-text-changed]
  tools[resolve_issue].title: title changed from "Close issue" to "Resolve issue"; models may choose or call the tool differently. [tool-text-changed]

via #/$defs/Issue: 6 places
  error: type widened from string to [null, string]; clients may receive values they do not handle. [output-type-widened]
    tools[create_issue].outputSchema.properties.assignee.type
    tools[get_issue].outputSchema.properties.assignee.type
    tools[search_issues].outputSchema.properties.items.items.properties.assignee.type
  info: optional property 'watchers' added; clients receive more data. [output-property-added]
    tools[create_issue].outputSchema.properties.watchers
    tools[get_issue].outputSchema.properties.watchers
    tools[search_issues].outputSchema.properties.items.items.properties.watchers

via #/$defs/Priority: 4 places
  error: value "critical" added; clients may receive values they do not handle. [output-enum-value-added]
    tools[create_issue].outputSchema.properties.priority.enum
    tools[get_issue].outputSchema.properties.priority.enum
    tools[search_issues].outputSchema.properties.items.items.properties.priority.enum
  info: value "critical" added; the tool accepts more arguments. [input-enum-value-added]
    tools[create_issue].inputSchema.properties.priority.enum

11 errors, 3 warnings, 11 info — implies a major bump; server.version 1.4.0 → 1.5.0 is a minor bump (too small)
"""  # noqa: E501


def tracker_report() -> DiffReport:
    old = load_side("tracker_v1.yaml", cwd=DATA)
    return diff_specs(old, load_side("tracker_v2.yaml", cwd=DATA))


def test_the_tracker_release_reads_exactly_as_the_golden_report() -> None:
    assert render_text(tracker_report()) == TRACKER_REPORT


def test_an_empty_report_is_just_the_summary_line() -> None:
    assert render_text(diff_specs(spec(), spec())) == (
        "0 errors, 0 warnings, 0 info — implies no bump; "
        "server.version 1.0.0 → 1.0.0 is unchanged (ok)\n"
    )


@pytest.mark.parametrize(
    ("old", "new", "summary"),
    [
        (spec(tool("a")), spec(server={"version": "2.0.0"}),
         "1 error, 0 warnings, 0 info — implies a major bump; "
         "server.version 1.0.0 → 2.0.0 is a major bump (ok)"),
        (spec(tool("a"), server={"version": "0.4.0"}),
         spec(server={"version": "0.5.0"}),
         "1 error, 0 warnings, 0 info — implies a major bump; "
         "server.version 0.4.0 → 0.5.0 is a minor bump (ok in 0.x)"),
        (spec(), spec(tool("a"), server={"version": "0.9.0"}),
         "0 errors, 0 warnings, 1 info — implies a minor bump; "
         "server.version 1.0.0 → 0.9.0 goes backwards (not ok)"),
        (spec(server={"version": None}), spec(server={"instructions": "x"}),
         "0 errors, 1 warning, 0 info — implies a minor bump; "
         "server.version (missing) → 1.0.0 is not MAJOR.MINOR.PATCH (not ok)"),
    ],
    ids=["major", "0.x minor", "backwards", "missing"],
)  # fmt: skip
def test_the_summary_line_judges_the_declared_version(
    old: dict[str, Any], new: dict[str, Any], summary: str
) -> None:
    assert render_text(diff_specs(old, new)).splitlines()[-1] == summary


def test_the_json_report_has_a_fixed_key_order_and_sorted_changes() -> None:
    report = tracker_report()
    shuffled = DiffReport(
        tuple(reversed(report.changes)), "1.4.0", "1.5.0", "major", "minor", False
    )
    text = render_json(shuffled)
    data = json.loads(text)
    assert text == render_json(report)
    assert list(data) == [
        "old_version", "new_version", "implied_bump", "declared_bump", "bump_ok",
        "counts", "changes",
    ]  # fmt: skip
    assert data["counts"] == {"error": 11, "warning": 3, "info": 11}
    assert list(data["changes"][0]) == ["level", "path", "rule", "message", "source"]
    assert data["changes"][0] == {
        "level": "error",
        "path": "tools[close_issue]",
        "rule": "tool-renamed",
        "message": report.changes[0].message,
        "source": None,
    }
    assert [c["level"] for c in data["changes"]] == [c.level for c in report.changes]


# --- exit codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "codes"),
    [
        (spec(tool("a")), spec(), {"error": 1, "warning": 1, "never": 0}),
        (spec(), spec(server={"instructions": "x"}),
         {"error": 0, "warning": 1, "never": 0}),
        (spec(), spec(tool("a")), {"error": 0, "warning": 0, "never": 0}),
    ],
    ids=["an error", "a warning", "only info"],
)  # fmt: skip
def test_exit_code_fails_at_the_chosen_level(
    old: dict[str, Any], new: dict[str, Any], codes: dict[str, int]
) -> None:
    report = diff_specs(old, new)
    assert {level: exit_code(report, level) for level in codes} == codes  # type: ignore[arg-type]


def test_fail_on_bump_fails_only_when_the_version_says_too_little() -> None:
    def versioned(version: str, *tools: dict[str, Any]) -> dict[str, Any]:
        data = spec(*tools)
        data["server"] = {**data["server"], "version": version}
        return data

    removed = versioned("1.0.0", tool("a")), versioned("1.1.0")
    assert exit_code(diff_specs(*removed), "bump") == 1  # an error needs 2.0.0
    major = versioned("1.0.0", tool("a")), versioned("2.0.0")
    assert exit_code(diff_specs(*major), "bump") == 0
    assert exit_code(diff_specs(*major), "error") == 1


def test_exit_code_rejects_an_unknown_threshold() -> None:
    with pytest.raises(ValueError, match="fail_on"):
        exit_code(diff_specs(spec(), spec()), "info")  # type: ignore[arg-type]


# --- loading -------------------------------------------------------------------------


def test_a_side_is_a_path_relative_to_cwd() -> None:
    side = load_side("data/diff/tracker_v1.yaml", cwd=DATA.parent.parent)
    assert side["server"]["name"] == "tracker"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tools: [\n", r"broken\.yaml:2:1: invalid YAML: expected the node content"),
        ("- a\n", "expected a mapping of spec keys, found a list"),
        ("", "found an empty document"),
    ],
    ids=["bad yaml", "a list", "empty"],
)
def test_an_unreadable_side_raises_a_clear_error(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "broken.yaml").write_text(text)
    with pytest.raises(DiffInputError, match=message):
        load_side("broken.yaml", cwd=tmp_path)


def test_a_missing_file_names_the_side(tmp_path: Path) -> None:
    with pytest.raises(DiffInputError, match="nope.yaml: cannot read the file"):
        load_side("nope.yaml", cwd=tmp_path)


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    command = ["git", *identity, *args]
    subprocess.run(command, cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose specs/tracker.yaml went from v1 (HEAD~1) to v2 (HEAD)."""
    git(tmp_path, "init", "-q")
    (tmp_path / "specs").mkdir()
    for version in ("v1", "v2"):
        text = (DATA / f"tracker_{version}.yaml").read_text(encoding="utf-8")
        (tmp_path / "specs" / "tracker.yaml").write_text(text, encoding="utf-8")
        git(tmp_path, "add", "specs/tracker.yaml")
        git(tmp_path, "commit", "-q", "-m", version)
    return tmp_path


def test_a_git_side_reads_the_file_at_a_revision(repo: Path) -> None:
    old = load_side("git:HEAD~1:specs/tracker.yaml", cwd=repo)
    new = load_side("git:HEAD:specs/tracker.yaml", cwd=repo)
    assert old == load_side("tracker_v1.yaml", cwd=DATA)
    assert render_text(diff_specs(old, new)) == TRACKER_REPORT


def test_a_git_path_is_relative_to_cwd_like_a_file_path(repo: Path) -> None:
    side = load_side("git:HEAD~1:tracker.yaml", cwd=repo / "specs")
    assert side["server"]["version"] == "1.4.0"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("git:HEAD", "expected git:REV:PATH"),
        ("git::specs/tracker.yaml", "expected git:REV:PATH"),
        ("git:no-such-rev:specs/tracker.yaml", "git show failed: .*no-such-rev"),
        ("git:HEAD~1:specs/gone.yaml", "git show failed: .*gone.yaml"),
    ],
    ids=["no path", "no revision", "unknown revision", "unknown path"],
)
def test_a_bad_git_side_raises_a_clear_error(
    repo: Path, ref: str, message: str
) -> None:
    with pytest.raises(DiffInputError, match=message):
        load_side(ref, cwd=repo)


def test_a_git_side_outside_a_repository_raises_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DiffInputError, match="git show failed"):
        load_side("git:HEAD:spec.yaml", cwd=tmp_path)


SHARED_SPEC = """\
mcpmint: 1
refRoot: ..
server: {name: shipping, version: 1.0.0}
tools:
  - name: ship
    description: Ship a parcel.
    inputSchema:
      type: object
      properties:
        to: {$ref: "../shared/geo.yaml#/$defs/Address"}
      required: [to]
"""
GEO = """\
$defs:
  PostalCode: {type: string, pattern: "^[0-9]{5}$"}
  Address:
    type: object
    properties:
      code: {$ref: "#/$defs/PostalCode"}
    required: [code]
"""


def diff_in(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mcpmint", "diff", *args]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True)


@pytest.fixture
def shared_repo(tmp_path: Path) -> Path:
    """specs/ship.yaml refers, through refRoot, to shared/geo.yaml; both committed."""
    git(tmp_path, "init", "-q")
    (tmp_path / "specs").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "specs" / "ship.yaml").write_text(SHARED_SPEC, encoding="utf-8")
    (tmp_path / "shared" / "geo.yaml").write_text(GEO, encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "v1")
    return tmp_path


NO_CHANGE = (
    "0 errors, 0 warnings, 0 info — implies no bump;"
    " server.version 1.0.0 → 1.0.0 is unchanged (ok)\n"
)


@pytest.mark.parametrize(
    "sides",
    [
        ("git:HEAD:specs/ship.yaml", "specs/ship.yaml"),
        ("specs/ship.yaml", "git:HEAD:specs/ship.yaml"),
        ("git:HEAD:specs/ship.yaml", "git:HEAD:specs/ship.yaml"),
    ],
    ids=["git-file", "file-git", "git-git"],
)
def test_a_git_side_on_a_clean_tree_follows_refs_and_reports_nothing(
    shared_repo: Path, sides: tuple[str, str]
) -> None:
    done = diff_in(shared_repo, *sides)
    assert (done.returncode, done.stdout, done.stderr) == (0, NO_CHANGE, "")


def test_the_real_tracker_spec_against_its_own_head_reports_nothing() -> None:
    done = diff_in(ROOT, "git:HEAD:specs/tracker.yaml", "git:HEAD:specs/tracker.yaml")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("0 errors, 0 warnings, 0 info")


NARROWED = (
    "via ../shared/geo.yaml#/$defs/PostalCode: 1 place\n"
    '  error: pattern changed from "^[0-9]{5}$" to "^1[0-9]{4}$"; arguments valid'
    " before may now be rejected. [input-constraint-changed]\n"
    "    tools[ship].inputSchema.properties.to.properties.code.pattern\n"
)


@pytest.mark.parametrize(
    "new", ["git:HEAD:specs/ship.yaml", "specs/ship.yaml"], ids=["git", "file"]
)
def test_a_narrowed_shared_pattern_is_an_error_read_at_both_revisions(
    shared_repo: Path, new: str
) -> None:
    geo = shared_repo / "shared" / "geo.yaml"
    geo.write_text(GEO.replace("^[0-9]{5}$", "^1[0-9]{4}$"), encoding="utf-8")
    git(shared_repo, "commit", "-q", "-am", "narrow the postal code")
    done = diff_in(shared_repo, "git:HEAD~1:specs/ship.yaml", new)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(NARROWED), done.stdout
    assert "1 error, 0 warnings, 0 info — implies a major bump" in done.stdout
    # The old side really is read at HEAD~1: against itself it is unchanged.
    same = diff_in(
        shared_repo, "git:HEAD~1:specs/ship.yaml", "git:HEAD~1:specs/ship.yaml"
    )
    assert (same.returncode, same.stdout) == (0, NO_CHANGE)


def test_a_ref_to_a_file_missing_at_the_revision_is_an_error_naming_side_and_ref(
    shared_repo: Path,
) -> None:
    spec = shared_repo / "specs" / "ship.yaml"
    spec.write_text(SHARED_SPEC.replace("geo.yaml", "place.yaml"), encoding="utf-8")
    (shared_repo / "shared" / "place.yaml").write_text(GEO, encoding="utf-8")
    git(shared_repo, "add", "specs/ship.yaml")  # place.yaml only in the working tree
    git(shared_repo, "commit", "-q", "-m", "refer to a file never committed")
    file_side = diff_in(shared_repo, "specs/ship.yaml", "specs/ship.yaml")
    assert file_side.returncode == 0, file_side.stderr
    for sides in (
        ("git:HEAD:specs/ship.yaml", "specs/ship.yaml"),
        ("specs/ship.yaml", "git:HEAD:specs/ship.yaml"),
    ):
        done = diff_in(shared_repo, *sides)
        assert (done.returncode, done.stdout) == (1, ""), done.stdout
        assert done.stderr.startswith(
            "git:HEAD:specs/ship.yaml:10:14: error:"
            " tools[0].inputSchema.properties.to.$ref:"
            " $ref '../shared/place.yaml#/$defs/Address':"
            " target git:HEAD:shared/place.yaml does not exist"
        ), done.stderr


def test_a_missing_ref_in_a_file_read_at_a_revision_names_that_file(
    shared_repo: Path,
) -> None:
    geo = shared_repo / "shared" / "geo.yaml"
    geo.write_text(GEO.replace("#/$defs/PostalCode", "codes.yaml#/Code"), "utf-8")
    git(shared_repo, "commit", "-q", "-am", "a ref to a file that is not there")
    done = diff_in(
        shared_repo, "git:HEAD~1:specs/ship.yaml", "git:HEAD:specs/ship.yaml"
    )
    assert (done.returncode, done.stdout) == (1, ""), done.stdout
    assert done.stderr.startswith(
        "git:HEAD:shared/geo.yaml:6:14: error: $defs.Address.properties.code.$ref:"
    ), done.stderr
    assert (
        "$ref 'codes.yaml#/Code': target git:HEAD:shared/codes.yaml does not exist"
        in done.stderr
    ), done.stderr


# --- properties ----------------------------------------------------------------------

leaves = st.one_of(
    st.booleans(),
    st.just({"$ref": "#/$defs/Node"}),
    st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["string", "integer", "number", "null", "object"])
            | st.lists(st.sampled_from(["string", "null", "integer"]), unique=True),
            "enum": st.lists(
                st.integers(0, 3) | st.sampled_from(["a", "b"]), max_size=3
            ),
            "maxLength": st.integers(0, 3),
            "minimum": st.integers(-2, 2),
            "multipleOf": st.sampled_from([1, 2, 3, 0.5]),
            "pattern": st.sampled_from(["^a", "^b"]),
            "default": st.integers(0, 2),
            "description": st.sampled_from(["a", "b"]),
            "not": st.just(NULL),
        },
    ),
)
schemas = st.recursive(
    leaves,
    lambda inner: st.fixed_dictionaries(
        {},
        optional={
            "type": st.just("object") | st.just("array"),
            "properties": st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
            "required": st.lists(st.sampled_from("abc"), unique=True),
            "additionalProperties": inner,
            "items": inner,
            "prefixItems": st.lists(inner, max_size=2),
            "anyOf": st.lists(inner, min_size=1, max_size=3),
            "allOf": st.lists(inner, max_size=2),
        },
    ),
    max_leaves=10,
)


def random_spec(data: st.DataObject) -> dict[str, Any]:
    node = {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}
    extra = data.draw(schemas.filter(lambda s: isinstance(s, dict)))
    defs = {"Node": {**node, **extra}}
    return spec(
        tool(inputSchema=data.draw(schemas), outputSchema=data.draw(schemas)),
        **{"$defs": defs},
    )


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_spec_compared_with_a_copy_of_itself_has_no_changes(
    data: st.DataObject,
) -> None:
    old = random_spec(data)
    assert diff_specs(old, copy.deepcopy(old)).changes == ()


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_two_specs_compare_into_known_rules_and_paths(data: st.DataObject) -> None:
    report = diff_specs(random_spec(data), random_spec(data))
    assert all(change.rule in RULES for change in report.changes)
    # The one def, Node, is a models.py name while a tool reaches it.
    places = ("tools[t].", "$defs.Node")
    assert all(change.path.startswith(places) for change in report.changes)
    assert all(change.message.endswith(".") for change in report.changes)
    assert json.loads(render_json(report))["counts"]["error"] == sum(
        change.level is Level.ERROR for change in report.changes
    )


def test_default_timeout_change_names_the_tools_it_limits() -> None:
    """server.toolTimeout is judged by the tools that use it (docs/reliability.md)."""
    old = spec(tool(), tool("u"), tool("v", timeout=5), server={"toolTimeout": 10})
    new = spec(tool(), tool("u"), tool("v", timeout=5), server={"toolTimeout": 4})
    (change,) = diff_specs(old, new).changes
    assert (change.rule, change.path) == ("timeout-shortened", "server.toolTimeout")
    assert change.message.startswith("toolTimeout 10 s -> 4 s (the limit of 2 tools);")


# --- both sides must be valid specs ------------------------------------------------


def run_diff(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from mcpmint.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["diff", *args])
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


WEATHER = (ROOT / "specs" / "weather.yaml").read_text(encoding="utf-8")
INVALID_SPEC = WEATHER.replace("days: {type: integer,", "days: {type: int,")
WEATHER_V2 = WEATHER.replace("version: 1.2.0", "version: 1.3.0").replace(
    "maximum: 14,", "maximum: 7,"
)
INVALID = "tools:\n  - name: t\n    inputSchema: {type: object, properties: {n: {type: int}}}\n"


def test_diff_refuses_an_invalid_file_side_with_its_located_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mcpmint validate` rejects it, so `mcpmint diff` must not compare it silently."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.yaml").write_text(WEATHER)
    (tmp_path / "new.yaml").write_text(INVALID_SPEC)
    for args in (
        ["old.yaml", "new.yaml"],
        ["new.yaml", "old.yaml", "--fail-on", "never"],
    ):
        code, out, err = run_diff(capsys, *args)
        assert (code, out) == (1, ""), args
        assert err.startswith("new.yaml:42:")
        assert ".properties.days.type: not valid JSON Schema 2020-12" in err


def test_diff_refuses_an_invalid_git_side_located_at_its_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    git(tmp_path, "init", "-q")
    spec = tmp_path / "weather.yaml"
    for text in (WEATHER, WEATHER_V2, INVALID_SPEC):  # HEAD~2, HEAD~1, HEAD
        spec.write_text(text)
        git(tmp_path, "add", "weather.yaml")
        git(tmp_path, "commit", "-q", "-m", "next")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_diff(
        capsys, "git:HEAD~1:weather.yaml", "git:HEAD:weather.yaml"
    )
    assert (code, out) == (1, "")
    assert err.startswith("git:HEAD:weather.yaml:42:")
    assert "git:HEAD~1" not in err
    code, out, err = run_diff(
        capsys, "git:HEAD~2:weather.yaml", "git:HEAD~1:weather.yaml"
    )
    assert (code, err) == (1, "")  # valid sides: the report, and its exit code
    assert "[input-constraint-tightened]" in out


def test_diff_still_names_an_unreadable_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.yaml").write_text(INVALID)
    code, out, err = run_diff(capsys, "old.yaml", "nope.yaml")
    assert (code, out) == (1, "")
    assert err.startswith("old.yaml:")  # the first side is refused first
    (tmp_path / "old.yaml").write_text(WEATHER)
    code, out, err = run_diff(capsys, "old.yaml", "nope.yaml")
    assert (code, out) == (2, "")
    assert err.startswith("mcpmint diff: nope.yaml: cannot read the file")
