"""mcpmint: typed MCP servers from a YAML spec of tools."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .diagnostics import Diagnostic, SpecError, sort_diagnostics
from .load import LoadedSpec, load_spec
from .render import RenderedFile
from .validate import validate
from .write import WriteReport, diff_tree, write_tree

__all__ = ["Build", "SpecError", "build", "check", "generate", "load_and_validate"]


@dataclass(frozen=True)
class Build:
    """A rendered project: every file, the package name, and what the generator noticed."""

    files: dict[PurePosixPath, RenderedFile]
    package: str
    warnings: list[Diagnostic]
    notes: tuple[str, ...]


def load_and_validate(spec_path: Path) -> tuple[LoadedSpec, list[Diagnostic]]:
    """The loaded spec and its warnings; SpecError with every diagnostic if any is an error."""
    loaded = load_spec(spec_path)
    found = sort_diagnostics(validate(loaded))
    if any(d.level == "error" for d in found):
        raise SpecError(found)
    return loaded, found


def build(spec_path: Path, out: Path) -> Build:
    """Every file of the project, rendered and formatted in memory."""
    loaded, warnings = load_and_validate(spec_path)
    # Imported only now: datamodel-code-generator and black take ~0.5 s to import, and a spec
    # with errors needs neither.
    from .format import format_files
    from .lower import to_ir
    from .render import render

    project = to_ir(loaded, out)
    return Build(format_files(render(project)), project.server.package, warnings, project.warnings)


def generate(spec_path: Path, out: Path) -> WriteReport:
    """Write or refresh the project in `out`; user-owned files are created once, never touched."""
    result = build(spec_path, out)
    return write_tree(result.files, out, result.package)


def check(spec_path: Path, out: Path) -> list[str]:
    """What is stale, missing or extra in `out`; nothing is written."""
    result = build(spec_path, out)
    return diff_tree(result.files, out, result.package)
