"""The committed generated examples match their specs, pass their own tests and the linters."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden_support import ROOT

from mcpmint import generate
from mcpmint.output.write import is_generated

SPECS = sorted((ROOT / "specs").glob("*.yaml"))
EXAMPLES = ROOT / "generated_examples"
BIN = Path(sys.executable).parent


def diff_dirs(a: Path, b: Path) -> list[str]:
    """Relative paths that differ between two trees (caches ignored)."""
    out: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        out.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(
        filecmp.dircmp(
            a, b, ignore=["__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"]
        ),
        "",
    )
    return sorted(out)


def test_every_spec_has_a_generated_example() -> None:
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()) == sorted(
        s.stem for s in SPECS
    )


def mirror(spec: Path, root: Path) -> tuple[Path, Path]:
    """The spec and its example copied under `root` with the repository's layout."""
    # The whole folder: specs may refer to shared files beside them.
    shutil.copytree(ROOT / "specs", root / "specs")
    spec_copy = root / "specs" / spec.name
    out = root / "generated_examples" / spec.stem
    shutil.copytree(
        EXAMPLES / spec.stem,
        out,
        ignore=shutil.ignore_patterns("__pycache__", ".*_cache"),
    )
    return spec_copy, out


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_regenerating_an_example_changes_nothing(spec: Path, tmp_path: Path) -> None:
    spec_copy, out = mirror(spec, tmp_path)
    report = generate(spec_copy, out)
    assert report.created == report.updated == report.deleted == report.orphaned == []
    assert diff_dirs(EXAMPLES / spec.stem, out) == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_generation_is_byte_identical_across_hash_seeds(
    spec: Path, tmp_path: Path
) -> None:
    for seed in ("0", "1", "4242"):
        shutil.copytree(ROOT / "specs", tmp_path / seed / "specs")
        spec_copy = tmp_path / seed / "specs" / spec.name
        out = tmp_path / seed / "generated_examples" / spec.stem
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [
            sys.executable,
            "-m",
            "mcpmint",
            "generate",
            str(spec_copy),
            "-o",
            str(out),
        ]
        subprocess.run(command, check=True, env=env, capture_output=True)
        # User-owned files: fresh output has stubs where the example has real code.
        for committed in (EXAMPLES / spec.stem).rglob("*"):
            caches = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
            if (
                committed.is_file()
                and not caches & set(committed.parts)
                and not is_generated(committed)
            ):
                shutil.copy(
                    committed, out / committed.relative_to(EXAMPLES / spec.stem)
                )
        assert diff_dirs(EXAMPLES / spec.stem, out) == [], seed


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_the_check_command_is_green_for_every_example(spec: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mcpmint",
            "check",
            str(spec),
            "-o",
            str(EXAMPLES / spec.stem),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_the_example_s_own_tests_pass(spec: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=EXAMPLES / spec.stem,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_generated_code_is_ruff_clean() -> None:
    result = subprocess.run(
        [
            str(BIN / "ruff"),
            "check",
            "--no-cache",
            "--select",
            "E,F,I,UP,B",
            "--target-version",
            "py311",
            ".",
        ],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_code_is_black_formatted() -> None:
    result = subprocess.run(
        [str(BIN / "black"), "--check", "--target-version", "py311", "."],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_generated_code_is_mypy_strict_clean(spec: Path, tmp_path: Path) -> None:
    project = EXAMPLES / spec.stem
    result = subprocess.run(
        [
            str(BIN / "mypy"),
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path),
            "--python-version",
            "3.11",
            "--explicit-package-bases",
            ".",
        ],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_catches_a_hand_edit_to_a_generated_file_and_says_what_changed(
    tmp_path: Path,
) -> None:
    spec_copy, out = mirror(SPECS[0], tmp_path)
    server = next(out.glob("*/server.py"))
    server.write_text(
        server.read_text(encoding="utf-8") + "HACK = 1\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mcpmint", "check", str(spec_copy), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert f"stale: {server.relative_to(out).as_posix()}" in result.stdout
    assert "-HACK = 1" in result.stdout
    quiet = subprocess.run(
        [
            sys.executable,
            "-m",
            "mcpmint",
            "check",
            "--quiet",
            str(spec_copy),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (1, "", "")
