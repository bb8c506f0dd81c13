"""A tool renamed in the spec (`renamedFrom`): its handler moves with its code, once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mcpmint import generate
from mcpmint.output.renames import renamed_source
from mcpmint.pipeline import SpecError, load_and_validate

ROOT = Path(__file__).resolve().parents[2]

SPEC = """\
mcpmint: 1
server: {{name: library, version: 1.0.0}}
tools:
  - name: {name}
    description: Find books.{extra}
    inputSchema:
      type: object
      properties: {{q: {{type: string}}}}
      required: [q]
    examples:
      - arguments: {{q: dune}}
        result: "dune: 1 book"
"""

# The user's handler: imports, a helper, comments, a decorator-free async def, CRLF-free
# but with odd spacing and a name used elsewhere in the file (left as written).
HANDLER = b'''\
"""My search handler."""

from __future__ import annotations

import re  # used by _clean

from ..context import Context
from ..models import SearchInput

_WORDS = re.compile(r"\\w+")


def _clean(text: str) -> str:
    # helper: lower-cased words
    return " ".join(_WORDS.findall(text.lower()))


async def  search(args: SearchInput, ctx: Context) -> str:  # the tool
    """Search the catalogue."""
    return f"{_clean(args.q)}: 1 book"


# search is also mentioned here, and stays
ALIASES = {"search": "search"}
'''


def write_spec(path: Path, name: str, renamed_from: str | None = None) -> Path:
    extra = f"\n    renamedFrom: {renamed_from}" if renamed_from else ""
    path.write_text(SPEC.format(name=name, extra=extra), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A generated `search` tool whose handler the user wrote."""
    monkeypatch.delenv("MCPMINT_NO_CACHE", raising=False)
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(tmp_path / "cache"))
    spec, out = write_spec(tmp_path / "spec.yaml", "search"), tmp_path / "out"
    generate(spec, out)
    (out / "library_server/handlers/search.py").write_bytes(HANDLER)
    return spec, out


def test_a_renamed_tool_s_handler_moves_with_its_code(
    project: tuple[Path, Path],
) -> None:
    spec, out = project
    handlers = out / "library_server" / "handlers"
    (handlers / "search.py").chmod(0o640)
    write_spec(spec, "find", "search")
    report = generate(spec, out)
    move = "library_server/handlers/search.py -> library_server/handlers/find.py"
    assert report.renamed == [move]
    assert f"  renamed  {move}" in report.summary().splitlines()
    assert report.orphaned == []
    assert report.warnings == [
        "warning: library_server/handlers/find.py (moved from "
        "library_server/handlers/search.py) uses SearchInput: the tool's models are "
        "now FindInput; update its imports and annotations"
    ]
    assert "library_server/handlers/find.py" not in report.created
    assert not (handlers / "search.py").exists()
    expected = HANDLER.replace(b"async def  search(", b"async def  find(")
    assert (handlers / "find.py").read_bytes() == expected
    assert (handlers / "find.py").stat().st_mode & 0o777 == 0o640
    # the client and the generated tests follow the new name; the moved code passes
    # once its imports name the new models, as the warning says
    (handlers / "find.py").write_bytes(expected.replace(b"SearchInput", b"FindInput"))
    client = (out / "library_server" / "client.py").read_text(encoding="utf-8")
    assert "async def find(" in client and "async def search(" not in client
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=out,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    # later runs do nothing more: the old file is gone
    again = generate(spec, out)
    assert again.renamed == [] and again.created == [] and again.warnings == []
    assert not (handlers / "search.py").exists()


def test_both_handlers_existing_moves_nothing_and_says_so(
    project: tuple[Path, Path],
) -> None:
    spec, out = project
    handlers = out / "library_server" / "handlers"
    (handlers / "find.py").write_text("# already mine\n", encoding="utf-8")
    write_spec(spec, "find", "search")
    report = generate(spec, out)
    assert report.renamed == []
    assert report.warnings == [
        "warning: renamedFrom: both library_server/handlers/search.py and "
        "library_server/handlers/find.py exist, so nothing moved; move your code "
        "into library_server/handlers/find.py and delete "
        "library_server/handlers/search.py"
    ]
    assert (handlers / "search.py").read_bytes() == HANDLER
    assert (handlers / "find.py").read_text(encoding="utf-8") == "# already mine\n"


def test_a_handler_without_the_function_moves_as_is_with_a_warning(
    project: tuple[Path, Path],
) -> None:
    spec, out = project
    handlers = out / "library_server" / "handlers"
    odd = (
        b"# my code calls it differently\nasync def lookup(args, ctx):\n    return ''\n"
    )
    (handlers / "search.py").write_bytes(odd)
    write_spec(spec, "find", "search")
    report = generate(spec, out)
    assert report.renamed == [
        "library_server/handlers/search.py -> library_server/handlers/find.py"
    ]
    assert report.warnings == [
        "warning: library_server/handlers/find.py (moved from "
        "library_server/handlers/search.py) has no top-level `async def search`: "
        "name its handler function `find`"
    ]
    assert (handlers / "find.py").read_bytes() == odd
    assert not (handlers / "search.py").exists()


def test_a_rename_whose_old_handler_never_existed_writes_a_stub(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "spec.yaml", "find", "search")
    report = generate(spec, tmp_path / "out")
    assert report.renamed == [] and report.warnings == []
    assert "library_server/handlers/find.py" in report.created


def test_a_failed_write_moves_no_handler(project: tuple[Path, Path]) -> None:
    # A real failure after the moved handler is staged: `tests` is a file, so the
    # generated tests cannot be staged; nothing is moved, no temporary file is left.
    spec, out = project
    handlers = out / "library_server" / "handlers"
    before = sorted(p.name for p in handlers.iterdir())
    (out / "tests").rename(out / "tests-aside")
    (out / "tests").write_text("not a folder\n", encoding="utf-8")
    write_spec(spec, "find", "search")
    with pytest.raises(NotADirectoryError):
        generate(spec, out)
    assert sorted(p.name for p in handlers.iterdir()) == before
    assert (handlers / "search.py").read_bytes() == HANDLER


def test_renamed_from_is_not_served(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "spec.yaml", "find", "search")
    generate(spec, tmp_path / "out")
    served = (tmp_path / "out/library_server/tools.json").read_text(encoding="utf-8")
    assert "renamedFrom" not in served and '"find"' in served


def test_a_bad_renamed_from_is_a_located_error_and_writes_nothing(
    tmp_path: Path,
) -> None:
    spec = write_spec(tmp_path / "spec.yaml", "find", "find")
    with pytest.raises(SpecError) as caught:
        load_and_validate(spec)
    (problem,) = caught.value.diagnostics
    assert (problem.line, problem.column, problem.path) == (
        6,
        5,
        "tools[0].renamedFrom",
    )
    assert problem.message == "tool 'find' is renamedFrom its own name"
    out = tmp_path / "out"
    with pytest.raises(SpecError):
        generate(spec, out)
    assert not out.exists()


def test_a_rename_that_keeps_the_handler_module_is_valid_and_moves_nothing(
    tmp_path: Path,
) -> None:
    spec = write_spec(tmp_path / "spec.yaml", "get_book", "get-book")
    _, warnings = load_and_validate(spec)
    assert warnings == []
    report = generate(spec, tmp_path / "out")
    assert report.renamed == []


@pytest.mark.parametrize(
    "source",
    [
        b"async def other(a, b):\n    pass\n",
        b"class C:\n    async def search(self):\n        pass\n",  # not top-level
        b"def search(a, b):\n    pass\n",  # not async
        b"async \\\n def search(a, b):\n    pass\n",  # split over two lines
        b"async def search(a, b:\n",  # does not parse
    ],
)
def test_only_a_top_level_async_def_of_that_name_is_renamed(source: bytes) -> None:
    assert renamed_source(source, "search", "find") is None


def test_only_the_name_of_the_def_changes() -> None:
    source = (
        b"\xef\xbb\xbf# caf\xc3\xa9\r\nimport x\r\n\r\n@x.deco\r\n"
        b"async def search(a, b):\r\n    return search_more(search)\r\n"
    )
    assert renamed_source(source, "search", "find") == source.replace(
        b"def search(", b"def find("
    )


def test_a_schema_changed_in_the_rename_puts_the_moved_handler_up_for_review(
    project: tuple[Path, Path],
) -> None:
    spec, out = project
    write_spec(spec, "find", "search")
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            "{q: {type: string}}", "{q: {type: string, maxLength: 50}}"
        ),
        encoding="utf-8",
    )
    report = generate(spec, out)
    assert report.review == ["library_server/handlers/find.py (inputSchema changed)"]


def test_the_readme_shows_the_yaml_and_the_line_generate_prints(
    project: tuple[Path, Path],
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Keeping specs and code in step", 1)[1].split("\n## ", 1)[
        0
    ]
    assert "  - name: find\n    renamedFrom: search " in section
    spec, out = project
    write_spec(spec, "find", "search")
    (line,) = [
        text for text in generate(spec, out).summary().splitlines() if "renamed" in text
    ]
    assert f"```\n{line}\n```" in section


def test_mcpmint_schema_describes_renamed_from() -> None:
    import json

    from mcpmint.spec.format import spec_json_schema

    tool = json.loads(spec_json_schema())["$defs"]["Tool"]["properties"]["renamedFrom"]
    assert tool["description"].startswith(
        "The tool's previous name (mcpmint's key, not"
    )
