"""Resources: the spec format's schema, file contents as text or blob, the runtime's
reading of URI text as typed values, the not-found error per era, the client's URIs."""

from __future__ import annotations

import json

import pytest
from mcpmint.codegen.resources import _file_contents, variables_schema
from mcpmint.spec.format import ResourceTemplate, spec_json_schema
from mcpmint.spec.resource_rules import reader_name
from mcpmint_runtime.resources import _typed, _unsafe, expand_uri, not_found


def test_the_spec_schema_describes_resources_and_templates() -> None:
    schema = json.loads(spec_json_schema())
    assert schema["properties"]["resources"]["items"] == {"$ref": "#/$defs/Resource"}
    resource = schema["$defs"]["Resource"]["properties"]
    assert {"uri", "name", "mimeType", "size", "_meta", "text", "file", "handler"} <= (
        set(resource)
    )
    template = schema["$defs"]["ResourceTemplate"]
    assert template["required"] == ["uriTemplate", "name"]
    assert "variables" in template["properties"]


@pytest.mark.parametrize(
    ("data", "mime", "expected"),
    [
        (b"hi\n", None, {"text": "hi\n"}),
        (b"hi", "text/markdown", {"text": "hi"}),
        (b"{}", "application/json", {"text": "{}"}),
        (b"hi", "application/octet-stream", {"blob": "aGk="}),
        (b"\xff\xfe", None, {"blob": "//4="}),
        (b"\xff", "text/plain", {"blob": "/w=="}),
    ],
)
def test_a_file_is_text_when_utf8_and_textual_else_a_blob(
    data: bytes, mime: str | None, expected: dict[str, str]
) -> None:
    assert _file_contents(data, mime) == expected


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("12", "integer", 12),
        ("-3", "integer", -3),
        ("012", "integer", "012"),
        ("1.5", "number", 1.5),
        ("2", "number", 2),
        ("true", "boolean", True),
        ("True", "boolean", "True"),
        ("abc", "integer", "abc"),
        ("12", "string", "12"),
    ],
)
def test_uri_text_is_read_as_the_variables_json_type(
    text: str, kind: str, value: object
) -> None:
    got = _typed(text, kind)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    ("value", "unsafe"),
    [
        ("a/b", False),
        ("1.0..2.0", False),
        ("a/../b", True),
        ("..", True),
        ("a\\..\\b", True),
        ("/etc/passwd", True),
        ("a\0b", True),
    ],
)
def test_path_like_values_are_refused_on_any_dotdot_segment(
    value: str, unsafe: bool
) -> None:
    assert _unsafe(value) is unsafe


def test_resource_not_found_has_each_eras_code() -> None:
    assert not_found("x://a", "2025-11-25").error.code == -32002
    assert not_found("x://a", "2024-11-05").error.code == -32002
    assert not_found("x://a", "2026-07-28").error.code == -32602
    assert not_found("x://a", None).error.message == "Resource not found: x://a"


def test_the_client_expands_templates_with_json_scalars() -> None:
    assert expand_uri("x://b/{id}/{flag}", {"id": 3, "flag": True}) == "x://b/3/true"
    assert expand_uri("x://f/{+path}", {"path": "a/b c"}) == "x://f/a/b%20c"
    assert expand_uri("x://s{?q}", {}) == "x://s"


def test_query_variables_are_optional_in_the_variables_model() -> None:
    template = ResourceTemplate.model_validate(
        {
            "uriTemplate": "x://s/{id}{?q}",
            "name": "s",
            "variables": {"q": {"type": "string"}, "id": {"type": "integer"}},
        }
    )
    schema = variables_schema(template)
    assert list(schema["properties"]) == ["id", "q"]
    assert schema["required"] == ["id"]


def test_reader_names_are_read_and_the_snake_name() -> None:
    assert reader_name("shelf-file") == "read_shelf_file"
    assert reader_name("Class") == "read_class"


def _resources_spec(**top: object) -> dict[str, object]:
    tool = {"name": "t", "inputSchema": {"type": "object"}}
    server = {"name": "demo", "version": "1.0.0"}
    return {"mcpmint": 1, "server": server, "tools": [tool], **top}


def _found(old: dict[str, object], new: dict[str, object]) -> set[tuple[str, str]]:
    from mcpmint.specdiff.report import diff_specs

    return {(c.rule, c.path) for c in diff_specs(old, new).changes}


def test_diff_classifies_resource_changes() -> None:
    a = {"uri": "x://a", "name": "a", "text": "hi", "mimeType": "text/plain"}
    b = {"uri": "x://b", "name": "b", "handler": True}
    old = _resources_spec(resources=[a, b])
    edited = {**a, "text": "hello", "mimeType": "text/markdown", "title": "A"}
    c = {"uri": "x://c", "name": "c", "file": "c.txt"}
    new = _resources_spec(resources=[edited, c])
    assert _found(old, new) == {
        ("resource-removed", "resources[x://b]"),
        ("resource-added", "resources[x://c]"),
        ("resource-contents-changed", "resources[x://a]"),
        ("resource-mime-type-changed", "resources[x://a].mimeType"),
        ("resource-text-changed", "resources[x://a].title"),
    }


def test_diff_walks_template_variables_as_input_schemas() -> None:
    book = {
        "uriTemplate": "x://books/{id}",
        "name": "book",
        "variables": {"id": {"type": "integer", "minimum": 1}},
    }
    shelf = {
        "uriTemplate": "x://s/{n}",
        "name": "shelf",
        "variables": {"n": {"type": "string"}},
    }
    old = _resources_spec(resourceTemplates=[book, shelf])
    narrowed = {
        **book,
        "uriTemplate": "x://book/{id}",
        "variables": {"id": {"type": "integer", "minimum": 2}},
    }
    new = _resources_spec(resourceTemplates=[narrowed, {**shelf, "name": "shelves"}])
    assert _found(old, new) == {
        ("resource-template-uri-changed", "resourceTemplates[book].uriTemplate"),
        ("input-constraint-tightened", "resourceTemplates[book].variables.id.minimum"),
        ("resource-template-removed", "resourceTemplates[shelf]"),
        ("resource-template-added", "resourceTemplates[shelves]"),
    }
