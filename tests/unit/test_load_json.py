"""Loading JSON specs: JSON's own rules, the YAML loader's marks and guarantees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mcpmint.spec.diagnostics import SpecError, TextPositions
from mcpmint.spec.load import LoadedSpec, load_spec, parse_spec_text

SPEC = {
    "mcpmint": 1,
    "server": {"name": "demo", "version": "1.0.0"},
    "tools": [
        {
            "name": "forecast",
            "description": "Forecast 🌤 for a city.",
            "inputSchema": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"enum": [1, 2]}},
            },
        }
    ],
}


def write(tmp_path: Path, text: str, name: str = "spec.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[tuple[int, int, str, str]]:
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    return [(d.line, d.column, d.path, d.message) for d in caught.value.diagnostics]


def test_lines_end_at_newlines_only() -> None:
    positions = TextPositions("a\u2028b\x85c\u2029\nd\r\ne\rf")
    assert positions.at(0) == (1, 1)
    assert positions.at(6) == (1, 7)  # the \n itself
    assert positions.at(7) == (2, 1)  # d
    assert positions.at(10) == (3, 1)  # e, after \r\n
    assert positions.at(12) == (4, 1)  # f, after a lone \r


@pytest.mark.parametrize("indent", [None, 2, "\t"])
def test_json_gets_the_same_marks_yaml_gives_it(indent: int | str | None) -> None:
    text = json.dumps(SPEC, indent=indent, ensure_ascii=False)
    as_json = parse_spec_text(text, LoadedSpec(Path("s"), "s", None), as_json=True)
    as_yaml = parse_spec_text(text, LoadedSpec(Path("s"), "s", None), as_json=False)
    assert as_json.data == as_yaml.data == SPEC
    assert as_json.marks == as_yaml.marks
    assert len(as_json.marks) == 18


def test_what_yaml_gets_wrong_json_gets_right(tmp_path: Path) -> None:
    data = {"emoji": "😀", "nel": "one\x85two", "k" * 2000: 1, "line\u2028key": 2}
    ascii_text = json.dumps(data)
    assert "\\ud83d\\ude00" in ascii_text
    assert load_spec(write(tmp_path, ascii_text)).data == data
    assert load_spec(write(tmp_path, json.dumps(data, ensure_ascii=False))).data == data


def test_a_yaml_file_holding_json_is_read_as_json(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, ' \n{"a": "\\ud83d\\ude00\x85"}\n', "spec.yaml"))
    assert spec.data == {"a": "😀\x85"}
    assert spec.marks[("a",)] == (2, 2)


def test_a_yaml_flow_mapping_is_still_yaml(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "{a: 1, 'b': [x, 2024-01-31]}\n", "spec.yaml"))
    assert spec.data == {"a": 1, "b": ["x", "2024-01-31"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1,\n "b": {"c": 1, "c": 2},\n "a": 3}', [(2, 16, "b.c"), (3, 2, "a")]),
        ('{"a": NaN}', [(1, 7, "a")]),
        ('{"a": [1, -Infinity]}', [(1, 11, "a[1]")]),
        ('{"a": 1e400}', [(1, 7, "a")]),
        ('{"a": -' + "9" * 5000 + "}", [(1, 7, "a")]),
        ('{"a": "\\udc00"}', [(1, 7, "a")]),
        ('{"a": 1,\n}', [(2, 1, "(root)")]),
        ('// note\n{"a": 1}', [(1, 1, "(root)")]),
        ('{"a": "x\ty"}', [(1, 9, "a")]),
        ('{"a": "x\\qy"}', [(1, 9, "a")]),
        ('{"a": "xy}', [(1, 7, "a")]),
        ('{"a": tru}', [(1, 7, "a")]),
        ('{"a" 1}', [(1, 6, "(root)")]),
        ("{}\n{}", [(2, 1, "(root)")]),
        ("\ufeff{}", [(1, 1, "(root)")]),  # a second byte order mark
        (" \n ", [(1, 1, "(root)")]),
        ("[" * 65 + "]" * 65, [(1, 65, "[0]" * 64)]),
    ],
    ids=[
        "duplicate-keys",
        "nan",
        "infinity",
        "float-overflow",
        "5001-digits",
        "lone-surrogate",
        "trailing-comma",
        "comment",
        "raw-tab",
        "bad-escape",
        "unterminated",
        "bad-literal",
        "no-colon",
        "two-values",
        "bom",
        "empty",
        "too-deep",
    ],
)
def test_unusable_json_is_refused_at_its_line_and_column(
    tmp_path: Path, text: str, expected: list[tuple[int, int, str]]
) -> None:
    found = errors_of(write(tmp_path, "\ufeff" + text))  # one BOM is allowed
    assert [(line, column, path) for line, column, path, _ in found] == expected


def test_a_json_file_past_the_value_cap_is_refused(tmp_path: Path) -> None:
    ((_, _, _, message),) = errors_of(write(tmp_path, "[" + "0," * 200_000 + "0]"))
    assert "too large" in message


def test_json_at_the_depth_cap_loads(tmp_path: Path) -> None:
    assert load_spec(write(tmp_path, "[" * 64 + "]" * 64)).data is not None


def test_a_raw_del_is_text_in_json_but_refused_in_yaml(tmp_path: Path) -> None:
    assert load_spec(write(tmp_path, '{"a": "x\x7fy"}')).data == {"a": "x\x7fy"}
    found = errors_of(write(tmp_path, "a: 1\nb: é😀 x\x7fy\n", "spec.yaml"))
    assert [(line, column) for line, column, _, _ in found] == [(2, 8)]
    assert "U+007F" in found[0][3]
