"""mcpmint and mcpmint-runtime are released in lockstep, and the gate agrees."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import mcpmint_runtime
from mcpmint_runtime.version import in_range

from mcpmint.output.pins import RUNTIME_RANGE, RUNTIME_REQUIREMENT, admits_needed_range

ROOT = Path(__file__).resolve().parents[2]


def _project(path: Path) -> dict[str, object]:
    project: dict[str, object] = tomllib.loads(path.read_text())["project"]
    return project


def test_both_distributions_have_the_same_version() -> None:
    generator = _project(ROOT / "pyproject.toml")
    runtime = _project(ROOT / "generator" / "pyproject.toml")
    assert runtime["name"] == "mcpmint-runtime"
    assert generator["version"] == runtime["version"]


def test_mcpmint_pins_the_runtime_exactly() -> None:
    version = _project(ROOT / "pyproject.toml")["version"]
    dependencies = _project(ROOT / "pyproject.toml")["dependencies"]
    assert isinstance(dependencies, list)
    runtime = [d for d in dependencies if d.startswith("mcpmint-runtime")]
    assert runtime == [f"mcpmint-runtime=={version}"]


def test_the_runtime_version_is_its_distribution_version() -> None:
    declared = _project(ROOT / "generator" / "pyproject.toml")["version"]
    assert mcpmint_runtime.__version__ == declared
    assert metadata.version("mcpmint-runtime") == declared


def test_the_generated_range_admits_the_runtime_released_with_it() -> None:
    assert in_range(mcpmint_runtime.__version__, RUNTIME_RANGE)
    assert admits_needed_range(f"=={mcpmint_runtime.__version__}")
    assert RUNTIME_REQUIREMENT == f"mcpmint-runtime{RUNTIME_RANGE}"


def test_the_runtime_gate_compares_release_numbers() -> None:
    assert in_range("0.2", ">=0.2,<0.3")
    assert in_range("0.2.9", ">=0.2,<0.3")
    assert not in_range("0.3.0", ">=0.2,<0.3")
    assert not in_range("0.1.9", ">=0.2,<0.3")
    assert in_range("0.2.1", "!=0.2.0")
    assert not in_range("0.2.0", "!=0.2")
