"""`$ref`s into other files become shared definitions; unsafe or broken ones are diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcpmint import load_and_validate
from mcpmint.spec.diagnostics import SpecError

SPEC_HEAD = "mcpmint: 1\nserver: {name: places, version: 1.0.0}\n"


def tool(schema: str) -> str:
    return (
        "tools:\n  - name: t\n    description: T.\n    inputSchema:\n"
        "      type: object\n      properties:\n        x: " + schema + "\n"
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors(spec: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_and_validate(spec)
    return [d.format() for d in caught.value.diagnostics]


def test_a_definition_in_another_file_becomes_a_shared_definition(
    tmp_path: Path,
) -> None:
    write(tmp_path / "geo.yaml", "$defs:\n  City: {type: string, minLength: 1}\n")
    spec = write(
        tmp_path / "spec.yaml", SPEC_HEAD + tool('{$ref: "geo.yaml#/$defs/City"}')
    )
    loaded, _ = load_and_validate(spec)
    assert loaded.data["$defs"] == {"City": {"type": "string", "minLength": 1}}
    props = loaded.data["tools"][0]["inputSchema"]["properties"]
    assert props["x"] == {"$ref": "#/$defs/City"}


def test_refs_inside_the_other_file_are_followed_and_cycles_become_recursion(
    tmp_path: Path,
) -> None:
    write(
        tmp_path / "a.yaml",
        '$defs:\n  Node: {type: object, properties: {next: {$ref: "b.yaml#/$defs/Link"}}}\n',
    )
    write(
        tmp_path / "b.yaml",
        '$defs:\n  Link: {anyOf: [{type: "null"}, {$ref: "a.yaml#/$defs/Node"}]}\n',
    )
    spec = write(
        tmp_path / "spec.yaml", SPEC_HEAD + tool('{$ref: "a.yaml#/$defs/Node"}')
    )
    loaded, _ = load_and_validate(spec)
    defs = loaded.data["$defs"]
    assert defs["Node"]["properties"]["next"] == {"$ref": "#/$defs/Link"}
    assert defs["Link"]["anyOf"][1] == {"$ref": "#/$defs/Node"}


def test_a_name_taken_by_another_schema_gets_the_file_s_name_in_front(
    tmp_path: Path,
) -> None:
    write(tmp_path / "geo.yaml", "$defs:\n  City: {type: string}\n")
    text = (
        SPEC_HEAD
        + "$defs:\n  City: {type: integer}\n"
        + tool('{$ref: "geo.yaml#/$defs/City"}')
    )
    loaded, _ = load_and_validate(write(tmp_path / "spec.yaml", text))
    assert loaded.data["$defs"] == {
        "City": {"type": "integer"},
        "GeoCity": {"type": "string"},
    }


@pytest.mark.parametrize(
    "ref",
    [
        "https://example.com/schema.json#/$defs/X",
        "file:///etc/passwd",
        "http://127.0.0.1/x.yaml",
    ],
)
def test_urls_are_refused(tmp_path: Path, ref: str) -> None:
    spec = write(tmp_path / "spec.yaml", SPEC_HEAD + tool('{$ref: "' + ref + '"}'))
    (message,) = errors(spec)
    assert "is a URL" in message
    assert ":9:13:" in message  # the line and column of the ref


def test_a_file_outside_the_spec_s_folder_is_refused_unless_ref_root_allows_it(
    tmp_path: Path,
) -> None:
    write(tmp_path / "shared" / "geo.yaml", "$defs:\n  City: {type: string}\n")
    text = SPEC_HEAD + tool('{$ref: "../shared/geo.yaml#/$defs/City"}')
    spec = write(tmp_path / "team" / "spec.yaml", text)
    (message,) = errors(spec)
    assert "leaves the spec's reference root" in message
    write(spec, text.replace("mcpmint: 1\n", "mcpmint: 1\nrefRoot: ..\n"))
    loaded, _ = load_and_validate(spec)
    assert "City" in loaded.data["$defs"]


def test_missing_files_and_pointers_are_located_errors(tmp_path: Path) -> None:
    write(tmp_path / "geo.yaml", "$defs:\n  City: {type: string}\n")
    spec = write(
        tmp_path / "spec.yaml", SPEC_HEAD + tool('{$ref: "geo.yaml#/$defs/Town"}')
    )
    assert any(
        "unresolved $ref" in m and "no /$defs/Town in geo.yaml" in m
        for m in errors(spec)
    )
    spec = write(
        tmp_path / "spec.yaml", SPEC_HEAD + tool('{$ref: "nope.yaml#/$defs/Town"}')
    )
    assert any("does not exist" in m for m in errors(spec))


def test_a_cycle_of_bare_refs_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", '$defs:\n  X: {$ref: "b.yaml#/$defs/Y"}\n')
    write(tmp_path / "b.yaml", '$defs:\n  Y: {$ref: "a.yaml#/$defs/X"}\n')
    spec = write(tmp_path / "spec.yaml", SPEC_HEAD + tool('{$ref: "a.yaml#/$defs/X"}'))
    assert any("cycle of refs" in m for m in errors(spec))


def test_a_bad_schema_in_another_file_is_located_in_that_file(tmp_path: Path) -> None:
    write(tmp_path / "geo.yaml", "$defs:\n  City:\n    type: strin\n")
    spec = write(
        tmp_path / "spec.yaml", SPEC_HEAD + tool('{$ref: "geo.yaml#/$defs/City"}')
    )
    messages = errors(spec)
    assert any(
        m.startswith(f"{tmp_path / 'geo.yaml'}:3:5: error: $defs.City.type")
        for m in messages
    ), messages
