"""A client-only build (`--client-only`): the typed client and the models as a
package of their own.

A team that calls a server needs its client and models, not its handlers, server,
settings and their dependencies. The package (`tracker_server` → `tracker_client`)
holds `client.py` and `models.py` rendered exactly as for the server (only the
header's regenerate command differs), an `__init__.py` re-exporting the client and
its errors, `py.typed`, a README, and a pyproject.toml naming only what those modules
import. Every file is generated: nothing in it is the user's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePosixPath

from mcpmint.codegen.ir import ClientPackageIR, ProjectIR
from mcpmint.codegen.render import (
    models_text,
    python_header,
    render_template,
    template_context,
)
from mcpmint.output.files import RenderedFile
from mcpmint.output.pins import PYDANTIC_REQUIREMENT, RUNTIME_REQUIREMENT
from mcpmint.spec.naming import client_package_name

# Templates of the package's own files: template → path ({pkg}: the client package).
_TEMPLATES = {
    "client/__init__.py.jinja": "{pkg}/__init__.py",
    # The very template the server's client.py comes from: the same code.
    "codegen/client.py.jinja": "{pkg}/client.py",
    "client/pyproject.toml.jinja": "pyproject.toml",
    "client/README.md.jinja": "README.md",
}

# What `__init__.py` re-exports from `.client`, besides the client class.
_CLIENT_NAMES = (
    "SERVER_NAME",
    "SERVER_VERSION",
    "TOOLS",
    "ResultMismatch",
    "ToolError",
    "UnknownTool",
    "transport_for",
)


def _isort(name: str) -> tuple[int, str, str]:
    """isort's order of imported names (ruff's default): constants, classes, the
    rest; each case-insensitively."""
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name


def client_ir(
    project: ProjectIR, package: str | None, extra_dependencies: Sequence[str] = ()
) -> ProjectIR:
    """The project as a client-only build: its package (`package`, else the server's
    with `_server` replaced by `_client`), its requirements (the runtime, pydantic,
    then `extra_dependencies`, e.g. the shared models packages the models import),
    and the command that regenerates it."""
    name = package or client_package_name(project.server.package)
    flag = f" --package {name}" if package else ""
    requirements = [RUNTIME_REQUIREMENT, PYDANTIC_REQUIREMENT]
    for requirement in extra_dependencies:
        _check_requirement(requirement)
        if requirement not in requirements:
            requirements.append(requirement)
    return replace(
        project,
        regenerate=f"mcpmint generate {project.spec_path} --client-only{flag} -o .",
        client_package=ClientPackageIR(name, tuple(requirements)),
    )


def _check_requirement(requirement: str) -> None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        Requirement(requirement)
    except InvalidRequirement as exc:
        raise ValueError(f"not a requirement: {requirement!r}: {exc}") from None


def render_client(project: ProjectIR) -> dict[PurePosixPath, RenderedFile]:
    """Every file of a client-only build (from `client_ir`), in memory."""
    if project.client_package is None:
        raise ValueError("render_client needs a client-only build: see client_ir")
    package = project.client_package.package
    context = template_context(project)
    names = [*_CLIENT_NAMES, context["client_class"]]
    context |= {"c": project.client_package, "client_names": sorted(names, key=_isort)}
    header = python_header(project)
    texts = {
        PurePosixPath(target.format(pkg=package)): render_template(template, context)
        for template, target in _TEMPLATES.items()
    }
    texts[PurePosixPath(package, "models.py")] = models_text(project)
    # PEP 561: the consumers' type checkers read the client and the models.
    texts[PurePosixPath(package, "py.typed")] = header
    return {rel: RenderedFile(text, "generated") for rel, text in sorted(texts.items())}
