"""The generator and the runtime library meet the bar of the code they generate.

ruff with the rules generated code meets, the formatter, and `mypy --strict`, with the
versions pinned in the `dev` extra and the settings of pyproject.toml.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PACKAGES = ("generator/mcpmint", "generator/mcpmint_runtime")


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_generator_and_runtime_are_ruff_clean() -> None:
    result = run(str(BIN / "ruff"), "check", "--no-cache", *PACKAGES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_generator_and_runtime_are_formatted() -> None:
    result = run(str(BIN / "ruff"), "format", "--check", "--no-cache", *PACKAGES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_generator_and_runtime_are_mypy_strict_clean(tmp_path: Path) -> None:
    result = run(
        str(BIN / "mypy"),
        "--strict",
        "--cache-dir",
        str(tmp_path),
        *PACKAGES,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checks_fail_on_a_bad_module(tmp_path: Path) -> None:
    """The three checks above can fail: each refuses a module with its kind of flaw."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\ndef f(x):\n    return x+1\n", encoding="utf-8")
    config = ("--config", str(ROOT / "pyproject.toml"))
    assert run(str(BIN / "ruff"), "check", "--no-cache", *config, str(bad)).returncode
    formatted = run(str(BIN / "ruff"), "format", "--check", "--no-cache", str(bad))
    assert formatted.returncode
    typed = run(
        str(BIN / "mypy"), "--strict", "--cache-dir", str(tmp_path / "c"), str(bad)
    )
    assert typed.returncode and "no-untyped-def" in typed.stdout
