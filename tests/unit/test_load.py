"""Loading specs: plain data, marks for every path, located errors for unusable YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcpmint.spec.diagnostics import SpecError
from mcpmint.spec.load import load_spec


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "spec.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    return [d.format() for d in caught.value.diagnostics]


def test_every_key_and_item_gets_its_line_and_column(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "a:\n  b: [1, {c: 2}]\n"))
    assert spec.data == {"a": {"b": [1, {"c": 2}]}}
    assert spec.marks[("a",)] == (1, 1)
    assert spec.marks[("a", "b")] == (2, 3)
    assert spec.marks[("a", "b", 1, "c")] == (2, 11)


def test_a_missing_path_is_located_at_its_nearest_ancestor(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "a:\n  b: 1\n"))
    assert spec.mark(("a", "b", "nope", 3)) == (2, 3)


def test_dates_stay_text_because_json_has_no_dates(tmp_path: Path) -> None:
    assert load_spec(write(tmp_path, "d: 2024-01-31\n")).data == {"d": "2024-01-31"}


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    assert load_spec(write(tmp_path, "\ufeffa: 1\n".encode())).data == {"a": 1}


def test_duplicate_keys_are_located_errors(tmp_path: Path) -> None:
    assert errors_of(write(tmp_path, "a: 1\nb: 2\na: 3\n")) == [
        f"{tmp_path / 'spec.yaml'}:3:1: error: a: duplicate key 'a'\n"
        "  hint: remove one of them"
    ]


def test_an_alias_bomb_is_refused_without_expanding_it(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        name, prev = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    (message,) = errors_of(write(tmp_path, "\n".join(lines) + "\n"))
    assert "too large" in message


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    (message,) = errors_of(write(tmp_path, "a: " + "[" * 100 + "]" * 100 + "\n"))
    assert "nested deeper" in message


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (b"\xff\xfe\x00bad", "not UTF-8"),
        ("", "the spec is empty"),
        ("a: [1, 2\n", "YAML syntax error"),
        ("a:\n\tb: 1\n", "indent with spaces, not tabs"),
        ("a: !!binary aGk=\n", "unsupported YAML tag"),
        ("a: .nan\n", "not a JSON number"),
        ("? [1, 2]\n: x\n", "a key must be a plain scalar"),
        ("1: x\n", "is not a string"),
        ("a: nul\x00\n", "NUL"),
    ],
)
def test_unusable_yaml_is_a_located_error(
    tmp_path: Path, text: str | bytes, needle: str
) -> None:
    messages = errors_of(write(tmp_path, text))
    assert any(needle in m for m in messages), messages


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            b"a: 1\nb: \xc3\xa9\xe9\n",  # no text, so no lines: the message says where
            "spec.yaml:1:1: error: (root): the spec is not UTF-8 text"
            " (byte 10: 0xe9 at line 2, column 5)",
        ),
        (
            b"\xef\xbb\xbfQo\xe4\x8aT7<",  # after a BOM: bytes counted from the file's start
            "spec.yaml:1:1: error: (root): the spec is not UTF-8 text"
            " (byte 5: 0xe4 at line 1, column 3)",
        ),
        ("a: 1\nb: x\x00\n", "spec.yaml:2:5:"),
        ("a: 1\nb: \ufffe\n", "spec.yaml:2:4:"),
        ("a: 1\r\nb: 'x\x1b'\r\n", "spec.yaml:2:6:"),
        ("a: 'x\u2028y\x85z\u2029'\nb: [1,\n", "spec.yaml:3:1:"),
    ],
    ids=["not-utf8", "not-utf8-after-bom", "nul", "noncharacter", "escape-after-crlf", "yaml-line-breaks"],
)
def test_unreadable_characters_are_located(
    tmp_path: Path, text: str | bytes, where: str
) -> None:
    (message,) = errors_of(write(tmp_path, text))
    assert message.startswith(f"{tmp_path}/{where}"), message


def test_json_surrogate_pairs_pasted_into_yaml_load(tmp_path: Path) -> None:
    # json.dumps writes 😀 as "\ud83d\ude00"; libyaml refuses surrogates, so the pairs
    # in double-quoted strings are rewritten as "\U0001f600" and marks moved back.
    text = (
        "# '\\ud83d\\ude00' in a comment\n"
        'x: {"a": "\\ud83d\\ude00", "b": "\\uD83C\\uDF24 \\\\ud83d", "c": 1}\n'
        "y: ['\\ud83d\\ude00', \\ud83d\\ude00]\n"
    )
    spec = load_spec(write(tmp_path, text))
    assert spec.data == {
        "x": {"a": "😀", "b": "🌤 \\ud83d", "c": 1},
        "y": ["\\ud83d\\ude00", "\\ud83d\\ude00"],  # single-quoted and plain: text
    }
    assert spec.marks[("x", "c")] == (2, 55)
    assert spec.marks[("y", 1)] == (3, 21)


def test_a_lone_surrogate_escape_in_yaml_is_refused_at_its_line(tmp_path: Path) -> None:
    (message,) = errors_of(write(tmp_path, 'a: "\\ud83d\\ude00"\nb: "x \\ud83d"\n'))
    assert f"{tmp_path}/spec.yaml:2:9: error" in message
    assert "\\U0001f600" in message  # the hint
