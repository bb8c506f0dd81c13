"""Black by segments (codegen/segments.py) gives the bytes black gives the whole file,
and after an edit formats only the statements around it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

import mcpmint.codegen.format as fmt
from mcpmint import pipeline
from mcpmint.codegen import segments
from mcpmint.output.files import RenderedFile

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def one_statement_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every missing segment in a window of its own (the context statement and it),
    in this process: the most windows a file can be cut into."""
    monkeypatch.setattr(fmt, "_MIN_WINDOW", 0)
    monkeypatch.setattr(fmt, "_WINDOWS_PER_WORKER", 10**9)
    monkeypatch.setattr(fmt, "_PARALLEL_BYTES", 10**12)
    monkeypatch.setattr(segments, "CLASS_BYTES", 0)  # every class split into members
    fmt._MEMO.clear()


def _rendered(spec: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Python files of a build as rendered, before black."""
    seen: list[str] = []

    def keep(
        files: dict[PurePosixPath, RenderedFile],
    ) -> dict[PurePosixPath, RenderedFile]:
        seen.extend(f.text for p, f in files.items() if p.suffix == ".py")
        return files

    with monkeypatch.context() as patch:
        patch.setattr(fmt, "format_files", keep)
        pipeline.build(spec, out)
    return seen


@pytest.mark.parametrize("name", ["kitchen_sink", "conformance"])
def test_every_rendered_file_formats_as_whole(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    one_statement_windows: None,
) -> None:
    monkeypatch.setenv("MCPMINT_NO_CACHE", "1")
    texts = _rendered(REPO / "specs" / f"{name}.yaml", tmp_path / "out", monkeypatch)
    assert sum(map(len, texts)) > 60_000
    split = [t for t in texts if segments.split(t) is not None]
    assert len(split) == len(texts)  # nothing fell back to a whole-file run
    for text in texts:
        assert fmt._format_all({text: "x.py"})[text] == fmt._black(text)


MODULE = '''"""Doc."""
import os
X = {"a":1,
  "b" : 2}
"""A string statement, not a docstring."""
def f( a ) :
    return a
@property
def g(): pass
class C :
    y : int = 1
    # a comment at the end of the body
# a comment before h
def h(): ...
Z = [1,2,
]
# trailing
'''


def _black_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = fmt._black

    def counted(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(fmt, "_black", counted)
    return calls


def test_an_edit_reformats_only_its_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_statement_windows: None
) -> None:
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(tmp_path / "cache"))
    big = MODULE + "".join(f"def f{n}( a ) :\n    return a+{n}\n" for n in range(40))
    whole = fmt._black(big)
    assert fmt._format_all({big: "pkg/m.py"})[big] == whole
    edited = big.replace("return a+17", "return   a+1700")
    want = fmt._black(edited)
    calls = _black_calls(monkeypatch)
    fmt._MEMO.clear()
    assert fmt._format_all({edited: "pkg/m.py"})[edited] == want
    # f17 (its segment) and f18 (the lines before it follow f17), each in a window
    # with the statement before it: nothing else went through black.
    assert sorted(calls) == [
        "def f16( a ) :\n    return a+16\ndef f17( a ) :\n    return   a+1700\n",
        "def f17( a ) :\n    return   a+1700\ndef f18( a ) :\n    return a+18\n",
    ]
    # another path keeps no segments: black formats every statement of it
    calls.clear()
    moved = edited.replace("a+1700", "a+1701")
    assert fmt._format_all({moved: "pkg/other.py"})[moved] == fmt._black(moved)
    assert len(calls) > 40


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("x = 1; y = 2\n", "two statements on one line"),
        ("# fmt: off\nx = [1,\n  2]\n# fmt: on\ny = 3\n", "a directive"),
        ("x = 1\r\ny = 2\r\n", "a line break other than \\n"),
        ("def f(:\n", "a syntax error"),
        ("# only a comment\n", "no statement"),
    ],
)
def test_what_cannot_be_split_is_formatted_whole(
    text: str, why: str, monkeypatch: pytest.MonkeyPatch, one_statement_windows: None
) -> None:
    monkeypatch.setenv("MCPMINT_NO_CACHE", "1")
    assert segments.split(text) is None, why
    if why != "a syntax error":
        assert fmt.format_python(text) == fmt._black(text)


def test_a_string_statement_is_never_a_window_s_first(
    monkeypatch: pytest.MonkeyPatch, one_statement_windows: None
) -> None:
    """At the start of a file black would take it for the module docstring."""
    monkeypatch.setenv("MCPMINT_NO_CACHE", "1")
    parts = segments.split(MODULE)
    assert parts is not None and parts.units[3].string
    source, held, context = parts.window(4, 4)  # `def f`, after the string statement
    assert held == [2, 3, 4] and context == 1 and source.startswith("X = {")
    assert fmt._format_all({MODULE: "m.py"})[MODULE] == fmt._black(MODULE)


def test_black_whole_formats_whole_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_statement_windows: None
) -> None:
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MCPMINT_BLACK_WHOLE", "1")
    want = fmt._black(MODULE)
    calls = _black_calls(monkeypatch)
    assert fmt._format_all({MODULE: "m.py"})[MODULE] == want
    assert calls == [MODULE]


def test_a_window_black_refuses_falls_back_to_the_whole_file(
    monkeypatch: pytest.MonkeyPatch, one_statement_windows: None
) -> None:
    monkeypatch.setenv("MCPMINT_NO_CACHE", "1")
    want = fmt._black(MODULE)
    real = fmt._black

    def whole_only(text: str) -> str:
        if text != MODULE:
            raise ValueError("a window")
        return real(text)

    monkeypatch.setattr(fmt, "_black", whole_only)
    assert fmt._format_all({MODULE: "m.py"})[MODULE] == want
