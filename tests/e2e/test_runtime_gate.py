"""A generated package refuses, in one line, a runtime outside the range it needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEATHER = ROOT / "generated_examples" / "weather"

pytestmark = pytest.mark.timeout(60)


NEWER = "import mcpmint_runtime\nmcpmint_runtime.__version__ = '0.3.1'"
OLDER = NEWER.replace("0.3.1", "0.1.0")


def _import_weather(before: str) -> subprocess.CompletedProcess[str]:
    """Import the weather example's server in a fresh interpreter, after `before`."""
    code = f"{before}\nimport weather_server.server\nprint('imported')"
    env = {**os.environ, "PYTHONPATH": str(WEATHER)}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
    )


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    return done.stderr.strip().splitlines()[-1]


def test_the_runtime_in_range_is_accepted() -> None:
    done = _import_weather("import mcpmint_runtime")
    assert (done.returncode, done.stdout) == (0, "imported\n"), done.stderr


def test_a_newer_runtime_fails_the_import_in_one_line_saying_what_to_install() -> None:
    done = _import_weather(NEWER)
    assert done.returncode == 1
    assert _last_line(done) == (
        "ImportError: weather_server was generated for mcpmint-runtime>=0.2,<0.3, but "
        'mcpmint-runtime 0.3.1 is installed: pip install "mcpmint-runtime>=0.2,<0.3" '
        "(or regenerate weather_server with a matching mcpmint)"
    )
    assert "AttributeError" not in done.stderr


def test_an_older_runtime_fails_the_same_way() -> None:
    done = _import_weather(OLDER)
    assert done.returncode == 1
    assert "mcpmint-runtime 0.1.0 is installed" in _last_line(done)


def test_a_missing_runtime_says_what_to_install() -> None:
    # None in sys.modules makes the import fail as if nothing were installed.
    done = _import_weather("import sys\nsys.modules['mcpmint_runtime'] = None")
    assert done.returncode == 1
    assert _last_line(done) == (
        "ImportError: weather_server needs mcpmint-runtime>=0.2,<0.3, which is not "
        'installed: pip install "mcpmint-runtime>=0.2,<0.3"'
    )


def test_handlers_written_before_the_runtime_library_still_import() -> None:
    # 0.1 stubs said `from ..runtime import ToolContext`; the generated runtime.py
    # re-exports the library's classes, so they are the same objects.
    done = _import_weather(
        "import mcpmint_runtime\n"
        "from weather_server import runtime\n"
        "assert runtime.ToolContext is mcpmint_runtime.ToolContext\n"
        "assert runtime.ToolResult is mcpmint_runtime.ToolResult"
    )
    assert done.returncode == 0, done.stderr
