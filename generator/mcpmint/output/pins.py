"""What the generated code needs installed, and whether the project's pins allow it.

Generated code imports `mcpmint_runtime` and checks, when imported, that its version
is in `RUNTIME_RANGE`. The project's pyproject.toml belongs to the user: written
once, never rewritten. So a regeneration that needs a newer runtime cannot fix the
pin; `check` fails and `generate` warns instead, naming the line to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUNTIME_DISTRIBUTION = "mcpmint-runtime"
# The runtime versions the templates of this mcpmint are written for. Bump it with
# a runtime release that the generated code needs (a new name it imports).
RUNTIME_RANGE = ">=0.2,<0.3"
RUNTIME_REQUIREMENT = RUNTIME_DISTRIBUTION + RUNTIME_RANGE
# The client-only package's models import pydantic themselves, so it names it too: the
# range the runtime requires (generator/pyproject.toml; a unit test compares them).
PYDANTIC_REQUIREMENT = "pydantic>=2.14,<3"

_TABLE = re.compile(r"^\s*\[")


@dataclass(frozen=True, slots=True)
class PinProblem:
    """A place in the project's pyproject.toml, and what to change there."""

    file: Path
    line: int
    message: str

    def format(self, level: str | None = None) -> str:
        """`file:line: message`, with `warning: ` before the message if asked."""
        return f"{self.file}:{self.line}: {level + ': ' if level else ''}{self.message}"


def pin_problems(out: Path) -> list[PinProblem]:
    """Why `out/pyproject.toml` cannot install what the generated code imports.

    Nothing when there is no pyproject.toml, no [project] table, or dynamic
    dependencies: the project then uses another build tool, which we cannot read.
    """
    path = out / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    import tomllib

    try:
        project = tomllib.loads(text).get("project")
    except tomllib.TOMLDecodeError as exc:
        message = (
            f"not valid TOML ({exc}): cannot check it installs {RUNTIME_REQUIREMENT}"
        )
        return [PinProblem(path, 1, message)]
    if not isinstance(project, dict) or "dependencies" in project.get("dynamic", []):
        return []
    dependencies = project.get("dependencies", [])
    runtime = [d for d in dependencies if _names_runtime(d)]
    if not runtime:
        where = _project_key_line(text, "dependencies")
        message = (
            f"no {RUNTIME_DISTRIBUTION} in [project] dependencies, and the generated "
            f'code imports it: add "{RUNTIME_REQUIREMENT}"'
        )
        return [PinProblem(path, where, message)]
    return [
        PinProblem(
            path,
            _string_line(text, dependency),
            f'dependency "{dependency}" cannot satisfy the generated code, which needs '
            f'{RUNTIME_REQUIREMENT}: change it to "{RUNTIME_REQUIREMENT}"',
        )
        for dependency in runtime
        if not admits_needed_range(_specifier(dependency))
    ]


def version_problems(out: Path, package: str) -> list[PinProblem]:
    """A static `[project] version` in `out/pyproject.toml` that is not the
    `__version__` generated into `out/<package>/__init__.py` (server.version): a
    release built from it would carry the old version. Nothing for a dynamic version
    or when either is unreadable."""
    path = out / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
        init = (out / package / "__init__.py").read_bytes()
    except (OSError, UnicodeDecodeError):
        return []
    import ast
    import tomllib

    try:
        project = tomllib.loads(text).get("project")
        tree = ast.parse(init)
    except (tomllib.TOMLDecodeError, SyntaxError, ValueError):
        return []
    if not isinstance(project, dict) or not isinstance(project.get("version"), str):
        return []
    generated = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["__version__"]
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]
    version = project["version"]
    if not generated or generated[-1] == version:
        return []
    message = (
        f'version = "{version}" is not server.version {generated[-1]}: a release '
        "would keep the old version; set it, or replace it with "
        '`dynamic = ["version"]` and `[tool.setuptools.dynamic] '
        f'version = {{attr = "{package}.__version__"}}`'
    )
    return [PinProblem(path, _project_key_line(text, "version"), message)]


def _project_key_line(text: str, key: str) -> int:
    """The line of `key =` in [project], else of `[project]`, else 1."""
    project_line = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if _TABLE.match(line):
            if project_line:
                break
            if line.strip().replace(" ", "") == "[project]":
                project_line = number
        elif project_line and re.match(rf"\s*{key}\s*=", line):
            return number
    return project_line or 1


def _names_runtime(dependency: Any) -> bool:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    if not isinstance(dependency, str):
        return False
    try:
        name = Requirement(dependency).name
    except InvalidRequirement:
        return False
    return canonicalize_name(name) == RUNTIME_DISTRIBUTION


def _specifier(dependency: str) -> str:
    from packaging.requirements import Requirement

    return str(Requirement(dependency).specifier)


def admits_needed_range(specifier: str) -> bool:
    """Whether some version in RUNTIME_RANGE satisfies `specifier` too.

    packaging cannot intersect ranges, so this tries the versions either side
    names, and the next ones after them: enough for the ranges people write.
    """
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    given, needed = SpecifierSet(specifier), SpecifierSet(RUNTIME_RANGE)
    candidates: set[Version] = set()
    for clause in [*needed, *given]:
        try:
            version = Version(clause.version.removesuffix(".*"))
        except InvalidVersion:
            continue
        release = (*version.release, 0, 0)[:3]
        major, minor, micro = release
        nexts = (f"{major}.{minor}.{micro + 1}", f"{major}.{minor + 1}", f"{version}.1")
        candidates |= {version, *(Version(text) for text in nexts)}
    return any(
        needed.contains(v, prereleases=True) and given.contains(v, prereleases=True)
        for v in candidates
    )


def _string_line(text: str, value: str) -> int:
    """The line of the TOML string `value` (the dependencies line if not found)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if f'"{value}"' in line or f"'{value}'" in line:
            return number
    return _project_key_line(text, "dependencies")
