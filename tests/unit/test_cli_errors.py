"""`mcpmint --version`, `check | head` ending quietly, hand-edited vs stale files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = "weather_server/models.py"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MCPMINT_NO_CACHE"}
    return {**env, "MCPMINT_CACHE_DIR": str(tmp_path / "cache")}


def mcpmint(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mcpmint", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(tmp_path),
        timeout=240,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """specs/weather.yaml generated into tmp_path/out."""
    shutil.copy(ROOT / "specs" / "weather.yaml", tmp_path / "weather.yaml")
    done = mcpmint(tmp_path, "generate", "weather.yaml", "-o", "out")
    assert done.returncode == 0, done.stderr
    return tmp_path


def test_version_names_mcpmint_and_the_runtime(tmp_path: Path) -> None:
    done = mcpmint(tmp_path, "--version")
    mine, runtime = metadata.version("mcpmint"), metadata.version("mcpmint-runtime")
    assert (done.returncode, done.stdout) == (
        0,
        f"mcpmint {mine} (mcpmint-runtime {runtime})\n",
    )


def test_a_hand_edited_generated_file_is_labelled_so(project: Path) -> None:
    models = project / "out" / MODELS
    models.write_text(models.read_text() + "# my fix\n")
    done = mcpmint(project, "check", "weather.yaml", "-o", "out")
    assert done.returncode == 1
    assert done.stdout.startswith(f"hand-edited: {MODELS}\n")
    assert "+# my fix" not in done.stdout and "-# my fix" in done.stdout
    assert (
        "hand-edited files are overwritten by generate: move the change into a "
        "handler or the spec\n" in done.stderr
    )


def test_a_file_the_spec_changed_is_stale_not_hand_edited(project: Path) -> None:
    spec = project / "weather.yaml"
    spec.write_text(spec.read_text().replace("version:", "version: 9.9.9 #", 1))
    done = mcpmint(project, "check", "weather.yaml", "-o", "out")
    assert done.returncode == 1
    assert "stale: " in done.stdout and "hand-edited" not in done.stdout + done.stderr


def test_check_piped_into_head_ends_quietly(project: Path) -> None:
    models = project / "out" / MODELS
    models.write_text(models.read_text() + "# filler line\n" * 20000)  # > a pipe
    check = subprocess.Popen(
        [sys.executable, "-m", "mcpmint", "check", "weather.yaml", "-o", "out"],
        cwd=project,
        env=_env(project),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert check.stdout is not None and check.stderr is not None
    head = subprocess.run(
        ["head", "-1"], stdin=check.stdout, capture_output=True, timeout=240
    )
    check.stdout.close()
    stderr = check.stderr.read().decode()
    check.stderr.close()
    assert check.wait(240) == 1
    assert head.stdout.decode() == f"hand-edited: {MODELS}\n"
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_every_server_option_s_help_shows_its_default() -> None:
    import argparse

    from mcpmint_runtime.options import build_parser

    transports = ["stdio", "http", "sse", "websocket"]
    parser = build_parser("pkg", transports, "TOKEN", tool_timeout=True, call=True)
    (commands,) = [
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    ]
    checked = 0
    for name, sub in commands.choices.items():
        for action in sub._actions:
            if action.option_strings and action.dest != "help":
                assert "default" in (action.help or ""), (name, action.option_strings)
                checked += 1
    assert checked > 30
