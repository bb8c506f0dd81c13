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

from mcpmint.output.files import GENERATED_MARK

RUNTIME_DISTRIBUTION = "mcpmint-runtime"
# The runtime versions the templates of this mcpmint are written for. Bump it with
# a runtime release that the generated code needs (a new name it imports).
RUNTIME_RANGE = ">=0.2,<0.3"
RUNTIME_REQUIREMENT = RUNTIME_DISTRIBUTION + RUNTIME_RANGE
# What generated models.py imports (pydantic's MISSING, typing_extensions'
# TypeAliasType): the dependencies of a shared schema package, which needs no
# runtime, and of a client-only package besides the runtime. The runtime's own pins of
# the same (generator/pyproject.toml), checked by tests/unit/test_shared_schemas.py.
MODELS_REQUIREMENTS = ("pydantic>=2.14,<3", "typing-extensions>=4.12")
PYDANTIC_REQUIREMENT = MODELS_REQUIREMENTS[0]

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
    found = _dependencies(path, RUNTIME_REQUIREMENT)
    if isinstance(found, PinProblem):
        return [found]
    if found is None:
        return []
    text, dependencies = found
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


def _dependencies(path: Path, needed: str) -> PinProblem | tuple[str, list[Any]] | None:
    """The text and `[project] dependencies` of a user's pyproject.toml; None when
    they cannot be read as such (missing, dynamic, another build tool, or a file
    mcpmint generated, which is right by construction); a problem if not TOML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if GENERATED_MARK in "".join(text.splitlines(keepends=True)[:3]):
        return None
    import tomllib

    try:
        project = tomllib.loads(text).get("project")
    except tomllib.TOMLDecodeError as exc:
        return PinProblem(
            path, 1, f"not valid TOML ({exc}): cannot check it installs {needed}"
        )
    if not isinstance(project, dict) or "dependencies" in project.get("dynamic", []):
        return None
    dependencies = project.get("dependencies", [])
    return text, dependencies if isinstance(dependencies, list) else []


def shared_pin_problems(
    out: Path, package: str, models: str | None = None
) -> list[PinProblem]:
    """The shared schema packages generated models.py imports (its `SHARED_SCHEMAS`)
    that `out/pyproject.toml` does not depend on, or pins to a version other than the
    one the models were generated with. `models`: models.py's text (default: read
    from `out/<package>/models.py`)."""
    path = out / "pyproject.toml"
    needed = _shared_requirements(out / package / "models.py", models)
    found = _dependencies(path, ", ".join(needed)) if needed else None
    if not isinstance(found, tuple):
        return [found] if isinstance(found, PinProblem) else []
    from packaging.requirements import Requirement

    text, dependencies = found
    problems = []
    for requirement in map(Requirement, needed):
        version = next(iter(requirement.specifier)).version
        given = [d for d in dependencies if _names(d, requirement.name)]
        if not given:
            message = (
                f"no {requirement.name} in [project] dependencies, and the generated "
                f'models import from it: add "{requirement}"'
            )
            problems.append(
                PinProblem(path, _project_key_line(text, "dependencies"), message)
            )
        problems += [
            PinProblem(
                path,
                _string_line(text, dependency),
                f'dependency "{dependency}" does not admit {requirement.name} '
                f"{version}, which the models were generated with: change it to "
                f'"{requirement}"',
            )
            for dependency in given
            if not Requirement(dependency).specifier.contains(version, prereleases=True)
        ]
    return problems


def _shared_requirements(models_path: Path, text: str | None) -> list[str]:
    """The requirements models.py's `SHARED_SCHEMAS` records (none if unreadable)."""
    import ast

    try:
        tree = ast.parse(text if text is not None else models_path.read_bytes())
        for node in tree.body:
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == "SHARED_SCHEMAS"
                and node.value is not None
            ):
                recorded = ast.literal_eval(node.value)
                return [str(entry["requirement"]) for entry in recorded.values()]
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, AttributeError):
        return []
    return []


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
    return _names(dependency, RUNTIME_DISTRIBUTION)


def _names(dependency: Any, distribution: str) -> bool:
    """Whether a dependency string requires `distribution`."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    if not isinstance(dependency, str):
        return False
    try:
        name = Requirement(dependency).name
    except InvalidRequirement:
        return False
    return canonicalize_name(name) == canonicalize_name(distribution)


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
