"""Build a spec in memory, write it, import the generated package, talk to it in process."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from mcpmint import Build, SpecError, build, generate

PYTHON = sys.executable
BIN = Path(PYTHON).parent


def write_spec(folder: Path, spec: Any, name: str = "spec.yaml") -> Path:
    """A spec file: text as is, data as YAML with every odd character escaped."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(spec, bytes):
        path.write_bytes(spec)
    elif isinstance(spec, str):
        path.write_text(spec, encoding="utf-8")
    else:
        path.write_text(
            yaml.safe_dump(spec, allow_unicode=False, sort_keys=False, width=1_000_000)
        )
    return path


def refusal(spec: Path) -> SpecError:
    """The SpecError building `spec` raises (fails if it builds or raises anything else)."""
    try:
        build(spec, spec.parent / "out")
    except SpecError as error:
        return error
    raise AssertionError(f"{spec} built, but should have been refused")


def diagnostic_lines(error: SpecError) -> list[tuple[str, int, int, str]]:
    return [(d.file, d.line, d.column, d.message) for d in error.diagnostics]


def compile_errors(result: Build) -> list[str]:
    """Python files of a build that do not compile."""
    problems = []
    for path, rendered in result.files.items():
        if path.suffix == ".py":
            try:
                compile(rendered.text, str(path), "exec")
            except SyntaxError as exc:
                problems.append(f"{path}:{exc.lineno}: {exc.msg}")
    return problems


@contextmanager
def generated_package(spec: Path, out: Path) -> Iterator[ModuleType]:
    """Generate into `out`, import `<package>.server` in this process, forget it afterwards."""
    generate(spec, out)
    name = next(p.parent.name for p in out.glob("*/tools.json"))
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(f"{name}.server")
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]


def mypy_strict(project: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """mypy --strict over a generated project, as the golden tests run it."""
    command = [
        str(BIN / "mypy"),
        "--strict",
        "--no-incremental",
        "--cache-dir",
        str(cache),
        "--python-version",
        "3.11",
        "--explicit-package-bases",
        ".",
    ]
    return subprocess.run(
        command, cwd=project, capture_output=True, text=True, timeout=600
    )


def dump(model: Any) -> Any:
    """A pydantic object from the SDK client as wire JSON (only what was on the wire)."""
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)
