"""The pipeline, stage by stage: diagnose → build → generate | check."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from mcpmint.output import cache, uptodate
from mcpmint.output.files import last_written
from mcpmint.output.manifest import project_kind, with_manifest
from mcpmint.output.pins import pin_problems, shared_pin_problems, version_problems
from mcpmint.output.prompt_review import prompt_reviews, prompts_by_name, served_prompts
from mcpmint.output.renames import HandlerRename, handler_rename
from mcpmint.output.resource_review import served_variables, template_reviews
from mcpmint.output.stubs import stub_handlers
from mcpmint.output.write import WriteReport, diff_tree, write_tree
from mcpmint.spec.diagnostics import Diagnostic, SpecError, sort_diagnostics
from mcpmint.spec.naming import handler_name, pascal

# The stages import pydantic, jsonschema, PyYAML, Jinja, datamodel-code-generator and
# black: imported when a build runs, so that an up-to-date project is known in
# milliseconds.
if TYPE_CHECKING:
    from mcpmint.output.files import RenderedFile
    from mcpmint.spec.load import LoadedSpec
    from mcpmint.spec.source import Source

__all__ = [
    "Build",
    "ClientOnly",
    "WrongKind",
    "SpecError",
    "build",
    "check",
    "diagnose",
    "generate",
    "load_and_validate",
    "stubs",
]


@dataclass(frozen=True)
class ClientOnly:
    """`--client-only`: build the typed client and the models as a package of their
    own (codegen/client_only.py) instead of the server project."""

    package: str | None = None  # default: server.package, `_server` → `_client`
    # Requirements the package needs beyond the runtime and pydantic (the shared
    # models packages its models import).
    extra_dependencies: tuple[str, ...] = ()

    def variant(self) -> str:
        """What shapes the build besides the spec, for the up-to-date record."""
        return json.dumps(["client-only", self.package, list(self.extra_dependencies)])


class WrongKind(Exception):
    """The output folder holds the other kind of output (a server project, a
    client-only package): it is neither replaced nor compared."""


@dataclass(frozen=True)
class Build:
    """A rendered project: every file, the package name, what the generator noticed."""

    files: dict[PurePosixPath, RenderedFile]
    package: str
    warnings: list[Diagnostic]
    notes: tuple[str, ...]
    renames: dict[str, str]  # tool name -> its renamedFrom

    def handler_renames(self) -> list[HandlerRename]:
        """The handler files the renamed tools take over (none for a rename that keeps
        the handler's name, `get-forecast` → `get_forecast`)."""
        moves = [
            handler_rename(
                self.package,
                (handler_name(old), handler_name(new)),
                (pascal(old), pascal(new)),
            )
            for new, old in self.renames.items()
        ]
        return [move for move in moves if move.old != move.new]


def diagnose(
    spec_path: Path, display: str | None = None, source: Source | None = None
) -> tuple[LoadedSpec, list[Diagnostic]]:
    """The loaded spec (external refs inlined) and every diagnostic, errors and
    warnings; the spec and every file it refers to read from `source` (the working
    tree unless given)."""
    from mcpmint.spec.load import load_spec
    from mcpmint.spec.refs import inline_external_refs
    from mcpmint.spec.shared import is_shared_file, shared_file_problems
    from mcpmint.spec.validate import schema_problems, validate

    loaded = load_spec(spec_path, display=display, source=source)
    if is_shared_file(loaded.data):  # a shared schema file, maybe a models package
        from mcpmint.models.names import RESERVED

        found = shared_file_problems(loaded, RESERVED)  # its own keys, before refs
        found += inline_external_refs(loaded, source) + schema_problems(loaded)
        return loaded, sort_diagnostics(found)
    found = inline_external_refs(loaded, source) + validate(loaded)
    return loaded, sort_diagnostics(found)


def load_and_validate(spec_path: Path) -> tuple[LoadedSpec, list[Diagnostic]]:
    """The loaded spec and its warnings; SpecError with every diagnostic if any is an
    error."""
    loaded, found = diagnose(spec_path)
    if any(d.level == "error" for d in found):
        raise SpecError(found)
    return loaded, found


def build(spec_path: Path, out: Path, client: ClientOnly | None = None) -> Build:
    """Every file of the project (or of the client-only package), rendered and
    formatted in memory."""
    loaded, warnings = load_and_validate(spec_path)
    from mcpmint.spec.shared import is_shared_file

    if is_shared_file(loaded.data):
        return _build_shared(loaded, warnings, spec_path, out)
    # Imported only now: datamodel-code-generator and black take ~0.5 s to import, and
    # a spec with errors needs neither.
    from mcpmint.codegen.format import format_files
    from mcpmint.codegen.lower import model_requests, to_ir
    from mcpmint.codegen.render import render
    from mcpmint.models import cached_render_models
    from mcpmint.spec.format import Spec
    from mcpmint.spec.shared import shared_packages

    spec = Spec.model_validate(loaded.data)
    imported = {k: (d.module, d.class_name) for k, d in loaded.shared.items()}
    requests = model_requests(spec)
    models = cached_render_models(requests, spec.defs, imported=imported)
    shared = shared_packages(loaded)
    project = to_ir(spec, models, loaded.path, out, shared)
    if client is not None:
        from mcpmint.codegen.client_only import client_ir, render_client

        # The client's models import the shared packages' classes too.
        extra = (*(p.requirement for p in shared), *client.extra_dependencies)
        project = client_ir(project, client.package, extra)
        files = with_manifest(format_files(render_client(project)), "client-only")
        package = project.client_package.package if project.client_package else ""
        result = Build(files, package, warnings, (), {})
    else:
        files = with_manifest(format_files(render(project)))
        renames = {t.name: t.renamedFrom for t in spec.tools if t.renamedFrom}
        package = project.server.package
        result = Build(files, package, warnings, project.warnings, renames)
    record = _record(result, loaded.sources)
    uptodate.remember(spec_path, out, record, client.variant() if client else "")
    return result


def _build_shared(
    loaded: LoadedSpec, warnings: list[Diagnostic], spec_path: Path, out: Path
) -> Build:
    """The models package of a shared schema file that declares `package:`."""
    from mcpmint.codegen.format import format_files
    from mcpmint.codegen.shared import render_shared_package

    package, files = render_shared_package(loaded, out)
    result = Build(with_manifest(format_files(files)), package, warnings, (), {})
    uptodate.remember(spec_path, out, _record(result, loaded.sources))
    return result


def _record(result: Build, sources: Iterable[Path]) -> uptodate.Record:
    """What the up-to-date check compares next time: every input's and output's hash."""
    files = {
        str(rel): (f.owner, cache.digest(f.text.encode("utf-8")))
        for rel, f in result.files.items()
    }
    read = {str(path): cache.digest(path.read_bytes()) for path in sources}
    return uptodate.Record(result.package, files, read, _warnings(result))


def _warnings(result: Build) -> list[str]:
    return [w.format() for w in result.warnings] + [
        f"warning: {n}" for n in result.notes
    ]


_KINDS = {"server": "a server project", "client-only": "a client-only package"}


def _require_kind(
    verb: str, spec_path: Path, out: Path, client: ClientOnly | None
) -> None:
    """WrongKind when `out` holds another kind of output than this build (told by
    its manifest, else by its pyproject.toml: see output/manifest.py)."""
    found, wanted = project_kind(out), ("client-only" if client else "server")
    if found is None or found == wanted:
        return
    held = _KINDS.get(found, f"a {found!r} build of another mcpmint")
    if found == "client-only":
        hint = f"run mcpmint {verb} {spec_path} --client-only -o {out}"
    elif found == "server":
        hint = (
            f"give the client-only package a folder of its own (-o), or run "
            f"mcpmint {verb} {spec_path} -o {out}"
        )
    else:
        hint = "use the mcpmint that made it, or another folder"
    raise WrongKind(f"{out} holds {held}, not {_KINDS[wanted]}: {hint}")


def generate(
    spec_path: Path, out: Path, client: ClientOnly | None = None
) -> WriteReport:
    """Write or refresh the project in `out`; user-owned files are created once, never
    touched. With `client`, the client-only package: every file generated."""
    _require_kind("generate", spec_path, out, client)
    report, package = _write(spec_path, out, client)
    if client is not None:  # its pyproject.toml is generated: nothing to check
        return report
    # After writing (a new project gets a right pyproject.toml), and past the fast path:
    # the record does not cover the user's pyproject.toml.
    report.warnings += [p.format("warning") for p in pin_problems(out)]
    report.warnings += [p.format("warning") for p in version_problems(out, package)]
    report.warnings += [p.format("warning") for p in shared_pin_problems(out, package)]
    return report


def _write(
    spec_path: Path, out: Path, client: ClientOnly | None
) -> tuple[WriteReport, str]:
    """The report, and the package written."""
    record = uptodate.current(spec_path, out, client.variant() if client else "")
    if record is not None:  # nothing to write; earlier reviews may still be pending
        report = uptodate.report_of(record, out)
        report.review = uptodate.pending_reviews(out, {})
        return report, record.package
    result = build(spec_path, out, client)
    before = last_written(out / result.package / "tools.json", _tools_by_name)
    prompts_before = served_prompts(out / result.package / "prompts.json")
    variables = served_variables(out / result.package / "resources.json")
    renames = result.handler_renames()
    report = write_tree(result.files, out, result.package, renames)
    to_review = _handlers_to_review(before, result)
    to_review |= _prompt_handlers_to_review(prompts_before, result)
    resources = result.files.get(PurePosixPath(result.package, "resources.json"))
    text = resources.text if resources else None
    to_review |= template_reviews(variables, text, result.package)
    report.review = uptodate.pending_reviews(out, to_review)
    report.warnings = _warnings(result) + report.warnings
    return report, result.package


def _tools_by_name(text: str) -> dict[str, Any]:
    return {t["name"]: t for t in json.loads(text)["tools"]}


def _handlers_to_review(before: dict[str, Any], result: Build) -> dict[str, str]:
    """Handlers whose tool's schemas changed since the last generation (path -> what
    changed): mypy will say how."""
    rendered = result.files.get(PurePosixPath(result.package, "tools.json"))
    now = _tools_by_name(rendered.text) if rendered else {}
    review = {}
    for name, tool in now.items():
        # a renamed tool is compared with its old self, if the old name was served
        old = before.get(name, before.get(result.renames.get(name, name)))
        if old is None:
            continue
        changed = [
            k for k in ("inputSchema", "outputSchema") if old.get(k) != tool.get(k)
        ]
        if changed:
            handler = handler_name(name)
            what = " and ".join(changed)
            review[f"{result.package}/handlers/{handler}.py"] = what
    return review


def _prompt_handlers_to_review(before: dict[str, Any], result: Build) -> dict[str, str]:
    rendered = result.files.get(PurePosixPath(result.package, "prompts.json"))
    now = prompts_by_name(rendered.text) if rendered else {}
    return prompt_reviews(before, now, result.package)


def check(spec_path: Path, out: Path, client: ClientOnly | None = None) -> list[str]:
    """What is stale, missing or extra in `out`, and pins that exclude the runtime or
    a shared schema package. With `client`, of the client-only package (whose pins
    are generated)."""
    _require_kind("check", spec_path, out, client)
    if client is not None:
        if uptodate.current(spec_path, out, client.variant()) is not None:
            return []
        result = build(spec_path, out, client)
        return diff_tree(result.files, out, result.package)
    pins = [p.format() for p in pin_problems(out)]  # the fast path does not cover them
    record = uptodate.current(spec_path, out)
    if record is not None:
        return pins + [p.format() for p in shared_pin_problems(out, record.package)]
    result = build(spec_path, out)
    models = result.files.get(PurePosixPath(result.package, "models.py"))
    shared = shared_pin_problems(out, result.package, models.text if models else None)
    return (
        pins
        + [p.format() for p in shared]
        + diff_tree(result.files, out, result.package)
    )


def stubs(spec_path: Path, out: Path) -> list[str]:
    """The tools' handler files in `out` that still only raise NotImplementedError."""
    record = uptodate.current(spec_path, out)
    if record is not None:
        package, files = record.package, [PurePosixPath(rel) for rel in record.files]
    else:
        result = build(spec_path, out)
        package, files = result.package, list(result.files)
    handlers = PurePosixPath(package, "handlers")
    return stub_handlers(
        (f for f in files if f.parent == handlers and f.name != "__init__.py"), out
    )
