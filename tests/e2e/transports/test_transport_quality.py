"""The runtime library passes the bar generated code is held to, and more."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(120)

REPO = Path(__file__).resolve().parents[3]
RUNTIME = REPO / "generator" / "mcpmint_runtime"
BIN = Path(sys.executable).parent


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    # Run from the repository so the caches land in its ignored folders, with its
    # ruff and mypy settings.
    return subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=110)


def test_the_runtime_is_ruff_formatted() -> None:
    done = _run(str(BIN / "ruff"), "format", "--check", str(RUNTIME))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_runtime_passes_ruff() -> None:
    done = _run(str(BIN / "ruff"), "check", "--no-cache", str(RUNTIME))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_runtime_passes_mypy_strict() -> None:
    done = _run(str(BIN / "mypy"), "--strict", "--python-version", "3.11", str(RUNTIME))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_runtime_is_typed_and_its_modules_stay_small() -> None:
    assert (RUNTIME / "py.typed").is_file()
    sizes = {p.name: len(p.read_text().splitlines()) for p in RUNTIME.rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 300} == {}


# The runtime's optional extras: [metrics], [otel] (opentelemetry-api comes with mcp),
# [redis].
OPTIONAL = ("prometheus_client", "opentelemetry", "redis")


def test_the_runtime_imports_nothing_but_published_libraries() -> None:
    allowed = ("mcp", "mcp_types", "anyio", "starlette", "uvicorn", "websockets")
    allowed += ("pydantic", "typing_extensions", "mcpmint_runtime")
    allowed += ("httpx2",)  # the SDK's HTTP client, installed with mcp
    allowed += ("jwt",)  # PyJWT with its crypto extra, installed with mcp
    for module in sorted(RUNTIME.rglob("*.py")):
        for line in module.read_text().splitlines():
            words = line.split()
            if len(words) < 2 or words[0] not in ("import", "from"):
                continue
            top = words[1].split(".")[0]
            if words[1].startswith(".") or top in allowed:
                continue
            if top in OPTIONAL:  # imported where used: the extra is optional
                assert line != line.lstrip(), f"{module.name}: {line.strip()}"
                continue
            assert top in sys.stdlib_module_names, f"{module.name}: {line.strip()}"
