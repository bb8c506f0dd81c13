"""The copied transports pass the bar generated code is held to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(120)

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    # Run from the repository so the caches land in its ignored folders.
    return subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=110)


@pytest.fixture(scope="module")
def transports(pkg_root: Path) -> Path:
    return pkg_root / "fakepkg" / "transports"


def test_the_copied_transports_are_black_formatted(transports: Path) -> None:
    done = _run(str(BIN / "black"), "--check", "--quiet", str(transports))
    assert done.returncode == 0, done.stderr


def test_the_copied_transports_pass_ruff(transports: Path) -> None:
    done = _run(
        str(BIN / "ruff"),
        "check",
        "--select",
        "E,F,I,UP,B",
        "--target-version",
        "py311",
        str(transports),
    )
    assert done.returncode == 0, done.stdout


def test_the_copied_transports_pass_mypy_strict(transports: Path) -> None:
    done = _run(
        str(BIN / "mypy"),
        "--strict",
        "--python-version",
        "3.11",
        str(transports),
    )
    assert done.returncode == 0, done.stdout


def test_the_transports_import_nothing_but_published_libraries(
    transports: Path,
) -> None:
    allowed = ("mcp", "mcp_types", "anyio", "starlette", "uvicorn", "websockets")
    allowed += ("pydantic",)
    for module in sorted(transports.glob("*.py")):
        for line in module.read_text().splitlines():
            words = line.split()
            if len(words) < 2 or words[0] not in ("import", "from"):
                continue
            top = words[1].split(".")[0]
            if words[1].startswith(".") or top in allowed:
                continue
            assert top in sys.stdlib_module_names, f"{module.name}: {line.strip()}"
