"""The manifest of generated files: what `generate` removes and `check` calls extra is
what mcpmint generated, on a fresh clone too; never a user's file quoting the header."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import pytest

from mcpmint.output.files import GENERATED_MARK, RenderedFile
from mcpmint.output.manifest import MANIFEST, with_manifest
from mcpmint.output.write import diff_tree, write_tree
from mcpmint.pipeline import check, generate

ROOT = Path(__file__).resolve().parents[2]
HEADER = f"# {GENERATED_MARK} from spec.yaml. DO NOT EDIT.\n"


@pytest.fixture(autouse=True)
def fresh_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of its own per test, so that only the project's own files tell."""
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MCPMINT_NO_CACHE", raising=False)


def other_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """An empty disk cache: a fresh clone, CI."""
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(tmp_path / name))


def built(**texts: str) -> dict[PurePosixPath, RenderedFile]:
    files = {
        PurePosixPath(k.replace("__", "/") + ".py"): RenderedFile(
            HEADER + v, "generated"
        )
        for k, v in texts.items()
    }
    return with_manifest(files)


def test_the_manifest_lists_the_generated_files_and_is_generated_itself() -> None:
    files = built(pkg__server="a\n", pkg__models="b\n")
    files[PurePosixPath("pkg/handlers/h.py")] = RenderedFile("mine\n", "user")
    manifest = with_manifest(files)[MANIFEST]
    assert manifest.owner == "generated"
    assert GENERATED_MARK in manifest.text.splitlines()[0]
    paths = [line for line in manifest.text.splitlines() if not line.startswith("#")]
    assert paths == ["pkg/models.py", "pkg/server.py"]


def test_a_user_file_quoting_the_header_is_never_removed_nor_called_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "p"
    write_tree(built(pkg__server="a\n", pkg__old="b\n"), out, "pkg")
    mine = out / "pkg/mine.py"
    mine.write_text(HEADER + "my own module, header copied from server.py\n")
    (out / "tests").mkdir()
    (out / "tests/test_mine.py").write_text(HEADER + "def test_it(): pass\n")
    for cache in ("same machine", "fresh clone"):
        if cache == "fresh clone":
            other_machine(tmp_path, monkeypatch, "empty")
        problems = diff_tree(built(pkg__server="a\n"), out, "pkg")
        assert problems[0].startswith(f"stale: {MANIFEST}\n"), cache
        assert problems[1:] == [
            "extra: pkg/old.py (generated, no longer produced)\n"
            f"--- a/pkg/old.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-{HEADER}-b"
        ], cache
    report = write_tree(built(pkg__server="a\n"), out, "pkg")
    assert report.deleted == ["pkg/old.py"]
    assert mine.is_file() and (out / "tests/test_mine.py").is_file()
    assert diff_tree(built(pkg__server="a\n"), out, "pkg") == []


def test_a_listed_file_whose_header_the_user_removed_is_kept(tmp_path: Path) -> None:
    write_tree(built(pkg__server="a\n", pkg__util="b\n"), tmp_path, "pkg")
    (tmp_path / "pkg/util.py").write_text("taken over: now mine\n")
    report = write_tree(built(pkg__server="a\n"), tmp_path, "pkg")
    assert report.deleted == []
    assert (tmp_path / "pkg/util.py").read_text() == "taken over: now mine\n"


def weather(tmp_path: Path, package: str) -> Path:
    spec = tmp_path / "weather.yaml"
    text = (ROOT / "specs/weather.yaml").read_text(encoding="utf-8")
    spec.write_text(text.replace("package: weather_server", f"package: {package}"))
    return spec


def test_a_package_rename_removes_the_old_package_on_a_fresh_clone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renamed `server.package`: `check` (on another machine) calls every generated
    file of the old package extra; `generate` removes them, keeps the user's files of
    the old package and reports them as orphaned."""
    out = tmp_path / "project"
    generate(weather(tmp_path, "weather_server"), out)
    handler = out / "weather_server/handlers/get_forecast.py"
    handler.write_text(handler.read_text() + "# my code\n")
    (out / "weather_server/notes.py").write_text(HEADER + "mine, header quoted\n")
    shutil.rmtree(out / "weather_server/__pycache__", ignore_errors=True)
    old_generated = sorted(
        p.relative_to(out).as_posix()
        for p in (out / "weather_server").rglob("*")
        if p.is_file()
        and p.parent.name != "handlers"
        and p.name != "lifespan.py"
        and p.name != "notes.py"
    )
    users = sorted(
        p.relative_to(out).as_posix()
        for p in (out / "weather_server").rglob("*.py")
        if p.parent.name == "handlers" or p.name == "lifespan.py"
    )
    spec = weather(tmp_path, "forecast_server")
    other_machine(tmp_path, monkeypatch, "clone")
    problems = check(spec, out)
    extra = sorted(p.split(" ", 2)[1] for p in problems if p.startswith("extra: "))
    assert extra == sorted(old_generated + ["tests/test_weather_server.py"])
    assert all("\n+++ /dev/null\n" in p for p in problems if p.startswith("extra: "))
    other_machine(tmp_path, monkeypatch, "clone2")
    report = generate(spec, out)
    assert sorted(report.deleted) == extra
    left = sorted(
        p.relative_to(out).as_posix()
        for p in (out / "weather_server").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert left == sorted(users + ["weather_server/notes.py"])
    assert "weather_server/handlers/get_forecast.py" in left
    assert set(left) <= set(report.orphaned)
    assert handler.read_text().endswith("# my code\n")
    other_machine(tmp_path, monkeypatch, "clone3")
    assert check(spec, out) == []


def test_a_project_from_before_the_manifest_is_read_the_old_way_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No manifest, no record in the cache: the header decides, in the package and
    tests/ only; from then on the manifest does."""
    out = tmp_path / "p"
    (out / "pkg").mkdir(parents=True)
    (out / "pkg/old.py").write_text(HEADER + "left by an old mcpmint\n")
    (out / "docs").mkdir()
    (out / "docs/quoted.md").write_text(HEADER)  # outside the package and tests/
    report = write_tree(built(pkg__server="a\n"), out, "pkg")
    assert report.deleted == ["pkg/old.py"]
    assert (out / "docs/quoted.md").is_file() and (out / MANIFEST).is_file()
    (out / "pkg/mine.py").write_text(HEADER)
    other_machine(tmp_path, monkeypatch, "clone")
    assert write_tree(built(pkg__server="a\n"), out, "pkg").deleted == []
