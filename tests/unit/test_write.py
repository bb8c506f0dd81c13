"""Writing a rendered project: atomic, user files kept, stale generated files removed."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from mcpmint.output.files import GENERATED_MARK, RenderedFile
from mcpmint.output.write import diff_tree, write_tree

HEADER = f"# {GENERATED_MARK} from spec.yaml. DO NOT EDIT.\n"


def tree(**texts: str) -> dict[PurePosixPath, RenderedFile]:
    files = {}
    for key, text in texts.items():
        path = PurePosixPath(key.replace("__", "/") + ".py")
        owner = "user" if "handlers" in key else "generated"
        files[path] = RenderedFile(text if owner == "user" else HEADER + text, owner)  # type: ignore[arg-type]
    return files


def test_a_first_run_creates_every_file(tmp_path: Path) -> None:
    report = write_tree(
        tree(pkg__server="a = 1\n", pkg__handlers__echo="x = 1\n"), tmp_path, "pkg"
    )
    assert sorted(report.created) == ["pkg/handlers/echo.py", "pkg/server.py"]
    assert (tmp_path / "pkg/server.py").read_text() == HEADER + "a = 1\n"


def test_user_files_are_never_overwritten(tmp_path: Path) -> None:
    write_tree(tree(pkg__handlers__echo="stub\n"), tmp_path, "pkg")
    (tmp_path / "pkg/handlers/echo.py").write_text("mine\n")
    report = write_tree(tree(pkg__handlers__echo="new stub\n"), tmp_path, "pkg")
    assert report.kept == ["pkg/handlers/echo.py"]
    assert (tmp_path / "pkg/handlers/echo.py").read_text() == "mine\n"


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    files = tree(pkg__server="a = 1\n")
    write_tree(files, tmp_path, "pkg")
    target = tmp_path / "pkg/server.py"
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    report = write_tree(files, tmp_path, "pkg")
    assert report.unchanged == ["pkg/server.py"]
    assert target.stat().st_mtime_ns == 1_000_000_000


def test_generated_files_no_longer_produced_are_deleted_but_user_files_are_orphaned(
    tmp_path: Path,
) -> None:
    gone = "async def gone(args, ctx):\n    return 'mine'\n"
    write_tree(
        tree(pkg__server="a\n", pkg__old="b\n", pkg__handlers__gone=gone),
        tmp_path,
        "pkg",
    )
    (tmp_path / "pkg/notes.py").write_text("my own module\n")
    report = write_tree(tree(pkg__server="a\n"), tmp_path, "pkg")
    assert report.deleted == ["pkg/old.py"]
    assert report.orphaned == ["pkg/handlers/gone.py"]
    assert (tmp_path / "pkg/handlers/gone.py").read_text() == gone
    assert (tmp_path / "pkg/notes.py").exists()


@pytest.mark.parametrize(
    ("name", "text", "orphaned"),
    [
        ("_store.py", "async def _store(args, ctx):\n    pass\n", False),
        ("common.py", "async def fetch(url):\n    pass\n\nLIMIT = 3\n", False),
        ("common.py", "def common(args, ctx):\n    pass\n", False),
        ("broken.py", "async def broken(args, ctx)\n", False),
        ("gone.py", "import x\n\n\nasync def gone(args, ctx):\n    pass\n", True),
    ],
)
def test_only_modules_that_look_like_former_handlers_are_orphaned(
    tmp_path: Path, name: str, text: str, orphaned: bool
) -> None:
    """A former handler has a top-level `async def` named like its file; the user's
    own modules under handlers/ (helpers, a `_store.py`) are never reported."""
    write_tree(tree(pkg__server="a\n", pkg__handlers__echo="x = 1\n"), tmp_path, "pkg")
    (tmp_path / "pkg/handlers" / name).write_text(text)
    for _ in range(2):
        report = write_tree(
            tree(pkg__server="a\n", pkg__handlers__echo="x = 1\n"), tmp_path, "pkg"
        )
        assert report.orphaned == ([f"pkg/handlers/{name}"] if orphaned else [])
    assert (tmp_path / "pkg/handlers" / name).read_text() == text


def test_a_failure_while_staging_leaves_the_tree_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tree(pkg__a="1\n", pkg__b="2\n"), tmp_path, "pkg")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    import mcpmint.output.write as write_module

    real_stage = write_module._stage
    calls = []

    def failing_stage(target: Path, text: str) -> Path:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_stage(target, text)

    monkeypatch.setattr(write_module, "_stage", failing_stage)
    with pytest.raises(OSError):
        write_tree(tree(pkg__a="changed\n", pkg__b="changed too\n"), tmp_path, "pkg")
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before


def test_check_lists_stale_missing_and_extra_files_with_a_diff(tmp_path: Path) -> None:
    write_tree(tree(pkg__a="1\n", pkg__extra="x\n"), tmp_path, "pkg")
    problems = diff_tree(tree(pkg__a="2\n", pkg__new="n\n"), tmp_path, "pkg")
    assert problems[0].startswith("stale: pkg/a.py\n--- a/pkg/a.py\n+++ b/pkg/a.py")
    assert "-1\n+2" in problems[0]
    assert problems[1:] == [
        f"missing: pkg/new.py\n--- /dev/null\n+++ b/pkg/new.py\n@@ -0,0 +1,2 @@\n+{HEADER}+n",
        f"extra: pkg/extra.py (generated, no longer produced)\n--- a/pkg/extra.py\n+++ /dev/null\n"
        f"@@ -1,2 +0,0 @@\n-{HEADER}-x",
    ]


def test_check_of_a_fresh_tree_finds_nothing(tmp_path: Path) -> None:
    files = tree(pkg__a="1\n", pkg__handlers__h="mine\n")
    write_tree(files, tmp_path, "pkg")
    assert diff_tree(files, tmp_path, "pkg") == []


def test_a_folder_emptied_of_stale_files_is_removed_but_not_one_holding_others(
    tmp_path: Path,
) -> None:
    write_tree(
        tree(pkg__server="a\n", pkg__transports__app="b\n", pkg__extra__gen="c\n"),
        tmp_path,
        "pkg",
    )
    (tmp_path / "pkg/transports/__pycache__").mkdir()
    (tmp_path / "pkg/transports/__pycache__/app.cpython-311.pyc").write_bytes(b"")
    (tmp_path / "pkg/extra/notes.txt").write_text("mine\n")
    report = write_tree(tree(pkg__server="a\n"), tmp_path, "pkg")
    assert sorted(report.deleted) == ["pkg/extra/gen.py", "pkg/transports/app.py"]
    assert not (tmp_path / "pkg/transports").exists()
    assert (tmp_path / "pkg/extra/notes.txt").read_text() == "mine\n"
