"""`mcpmint diff` over many servers: every server of the workspace between a revision
and the working tree (`mcpmint diff git:REV`), or the servers that use a shared
schema file between two versions of it (`mcpmint diff OLD.yaml NEW.yaml`)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mcpmint.pipeline import diagnose
from mcpmint.spec.diagnostics import Diagnostic, SpecError
from mcpmint.spec.load import LoadedSpec, load_spec
from mcpmint.spec.source import GitRevision, Source
from mcpmint.specdiff import report as rep
from mcpmint.workspace.config import Server, Workspace, shown
from mcpmint.workspace.outcome import Outcome, render_json, render_text, worst
from mcpmint.workspace.package_diff import changed_defs
from mcpmint.workspace.run import UsageError, workspace_at
from mcpmint.workspace.shared import (
    Overlay,
    is_shared,
    no_workspace_note,
    shared_problems,
    users_of,
)

__all__ = ["diff_command"]


def diff_command(args: argparse.Namespace) -> int | None:
    """A workspace or shared-file diff's exit status; None for a diff of two specs."""
    try:
        return _dispatch(args, Path.cwd())
    except UsageError as exc:
        print(f"mcpmint diff: {exc}", file=sys.stderr)
        return 2
    except rep.DiffInputError as exc:
        print(f"mcpmint diff: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace, cwd: Path) -> int | None:
    old, new = args.old, args.new
    if _is_revision(old):
        if new is not None and not _is_revision(new):
            raise UsageError(f"{old} is a revision: NEW must be one too, or nothing")
        workspace = _required_workspace(args.workspace, "a revision alone")
        outcomes = [
            _entry_at(workspace, s, _rev(old), new and _rev(new), cwd)
            for s in workspace.servers
        ]
        _print(outcomes, args.format, {})
        return worst(outcomes, args.fail_on)
    if new is None:
        raise UsageError(
            "NEW is missing: give two specs (OLD NEW), two versions of a shared "
            "schema file, or a revision alone (git:REV) to diff every server"
        )
    sides = [_peek(old, cwd), _peek(new, cwd)]
    if not any(is_shared(side) for side in sides):
        if args.workspace is not None:
            raise UsageError(
                "--workspace goes with a revision alone (git:REV) or with two "
                "versions of a shared schema file"
            )
        return None
    if not all(is_shared(side) for side in sides):
        raise UsageError(
            "one side is a shared schema file ($defs, no `mcpmint:` key), the other "
            "a spec: compare a file with a version of itself"
        )
    return _shared_diff(args, cwd)


def _is_revision(ref: str) -> bool:
    return ref.startswith("git:") and ":" not in ref[4:] and len(ref) > 4


def _rev(ref: str) -> str:
    return ref.removeprefix("git:")


def _required_workspace(given: Path | None, what: str) -> Workspace:
    workspace = workspace_at(given)
    if workspace is None:
        raise UsageError(
            f"{what} diffs every server of the workspace, and no "
            "mcpmint-workspace.yaml was found (in this folder or a parent, up to the "
            "repository root): pass --workspace FILE"
        )
    return workspace


def _peek(ref: str, cwd: Path) -> Any:
    """The side's data, unvalidated; None when it cannot be read (the spec diff says
    why)."""
    try:
        return rep.load_side(ref, cwd=cwd)
    except rep.DiffInputError:
        return None


def _check_revision(rev: str, cwd: Path) -> None:
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise UsageError(f"git:{rev}: not a revision of the repository here")


def _entry_at(
    workspace: Workspace, entry: Server, old: str, new: str | None, cwd: Path
) -> Outcome:
    """A server's diff, or a shared models package's row."""
    from mcpmint.workspace.package_diff import package_at

    if entry.spec.is_file() and is_shared(_peek(entry.spec.as_posix(), cwd)):
        _check_revision(old, cwd)
        if new is not None:
            _check_revision(new, cwd)
        return package_at(entry, workspace, old, new, cwd, _server_with)
    return _server_at(entry, old, new, cwd)


def _server_at(server: Server, old: str, new: str | None, cwd: Path) -> Outcome:
    _check_revision(old, cwd)
    if new is not None:
        _check_revision(new, cwd)
    rel = Path(os.path.relpath(server.spec, cwd)).as_posix()
    if not GitRevision(old, cwd).is_file(Path(rel)):
        return Outcome(server, f"new since {old}", None, _name(_peek(rel, cwd)))
    if new is not None and not GitRevision(new, cwd).is_file(Path(rel)):
        return Outcome(server, f"not in {new}", None)
    try:
        before, old_origins = rep.side_with_origins(f"git:{old}:{rel}", cwd=cwd)
        after, new_origins = rep.side_with_origins(
            f"git:{new}:{rel}" if new else rel, cwd=cwd
        )
    except SpecError as exc:
        return _invalid(server, exc.diagnostics)
    report = rep.diff_specs(before, after, {**old_origins, **new_origins})
    return Outcome(server, "compared", report, _name(after))


def _invalid(server: Server, found: Sequence[Diagnostic]) -> Outcome:
    from mcpmint.spec.diagnostics import format_diagnostics

    print(format_diagnostics(found), file=sys.stderr)
    errors = sum(d.level == "error" for d in found)
    return Outcome(server, f"invalid ({errors} errors above)", None)


def _name(data: Any) -> str | None:
    server = data.get("server") if isinstance(data, Mapping) else None
    name = server.get("name") if isinstance(server, Mapping) else None
    return name if isinstance(name, str) else None


def _print(
    outcomes: Sequence[Outcome], fmt: str, extra: Mapping[str, Any], head: str = ""
) -> None:
    if fmt == "json":
        sys.stdout.write(render_json(outcomes, extra))
    else:
        sys.stdout.write(head + render_text(outcomes))


def _shared_diff(args: argparse.Namespace, cwd: Path) -> int:
    old_loaded, old_source = _shared_side(args.old, cwd)
    new_loaded, _ = _shared_side(args.new, cwd)
    path = cwd / (
        args.new.split(":", 2)[2] if args.new.startswith("git:") else args.new
    )
    changed = changed_defs(old_loaded.data["$defs"], new_loaded.data["$defs"])
    workspace = workspace_at(args.workspace)
    if workspace is None:
        also = ", or diff each spec that uses it: mcpmint diff git:REV:SPEC SPEC"
        print(no_workspace_note(path, also), file=sys.stderr)
        extra = _defs_json(path, changed, None)
        text = _defs_text(path, changed, None).rstrip("\n") + "\n"
        sys.stdout.write(render_json([], extra) if args.format == "json" else text)
        return 0
    old_bytes = old_source.read_bytes(old_loaded.path)
    new_bytes = _bytes(args.new, cwd)
    sources = Overlay({path: old_bytes}), Overlay({path: new_bytes})
    used: dict[str, list[str]] = {}
    users: list[Path] = []
    for source in sources:
        found, specs = users_of(workspace, path, source)
        for name, names in found.items():
            used[name] = sorted({*used.get(name, []), *names})
        users += [s for s in specs if s not in users]
    outcomes = [
        _server_with(server, *sources)
        for server in workspace.servers
        if server.spec in users
    ]
    text = _defs_text(path, changed, used)
    _print(outcomes, args.format, _defs_json(path, changed, used), text)
    return worst(outcomes, args.fail_on)


def _shared_side(ref: str, cwd: Path) -> tuple[LoadedSpec, Source]:
    """A shared file's side, loaded and checked (SpecError: its located errors)."""
    from mcpmint.spec.source import WorkingTree

    if ref.startswith("git:"):
        rev, _, name = ref.removeprefix("git:").partition(":")
        source: Source = GitRevision(rev, cwd)
        loaded = load_spec(Path(name), display=ref, source=source)
    else:
        source = WorkingTree()
        loaded = load_spec(cwd / ref, display=ref)
    found = shared_problems(
        LoadedSpec(
            loaded.path,
            loaded.display,
            json.loads(json.dumps(loaded.data)),
            loaded.marks,
        ),
        source,
    )
    errors = [d for d in found if d.level == "error"]
    if errors:
        raise SpecError(errors)
    return loaded, source


def _bytes(ref: str, cwd: Path) -> bytes:
    if ref.startswith("git:"):
        rev, _, name = ref.removeprefix("git:").partition(":")
        return GitRevision(rev, cwd).read_bytes(Path(name))
    return (cwd / ref).read_bytes()


def _defs_json(
    path: Path, changed: list[tuple[str, str]], used: Mapping[str, list[str]] | None
) -> dict[str, Any]:
    defs = [
        {"name": n, "change": c, "used_by": None if used is None else used.get(n, [])}
        for n, c in changed
    ]
    return {"file": shown(path), "users_known": used is not None, "definitions": defs}


def _defs_text(
    path: Path, changed: list[tuple[str, str]], used: Mapping[str, list[str]] | None
) -> str:
    if not changed:
        return f"{shown(path)}: no definition changed\n\n"
    lines = [f"{shown(path)}: {_plural(len(changed), 'definition')} changed"]
    for name, change in changed:
        users = (
            ""
            if used is None
            else ": used by " + (", ".join(used.get(name, [])) or "no spec")
        )
        lines.append(f"  {name} ({change}){users}")
    return "\n".join(lines) + "\n\n"


def _server_with(server: Server, old: Source, new: Source) -> Outcome:
    before, found_old = diagnose(server.spec, shown(server.spec), old)
    after, found_new = diagnose(server.spec, shown(server.spec), new)
    errors = [d for d in [*found_old, *found_new] if d.level == "error"]
    if errors:
        return _invalid(server, errors)
    origins = {**before.origins, **after.origins}
    report = rep.diff_specs(before.data, after.data, origins)
    return Outcome(server, "compared", report, _name(after.data), needs=True)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
