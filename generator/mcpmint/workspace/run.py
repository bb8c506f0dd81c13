"""`mcpmint check` and `mcpmint generate` over several servers: a workspace's, or
several specs given on the command line. One status line per server; `generate`
validates every spec before it writes anything."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mcpmint.pipeline import ClientOnly, check, diagnose, generate, stubs
from mcpmint.spec.diagnostics import Diagnostic, SpecError, format_diagnostics
from mcpmint.workspace.config import (
    FILE_NAME,
    Server,
    Workspace,
    find_workspace,
    load_workspace,
    shown,
)

__all__ = ["UsageError", "run_many", "selected", "workspace_at"]


class UsageError(Exception):
    """The command line asks for something that cannot be done (exit 2)."""


def run_many(args: argparse.Namespace) -> int:
    """`check` or `generate` for a workspace or several specs; the exit status."""
    try:
        servers, again = selected(args.spec, args.out, args.workspace, args.command)
    except UsageError as exc:
        print(f"mcpmint {args.command}: {exc}", file=sys.stderr)
        return 2
    if args.command == "generate":
        return generate_many(servers, args.quiet)
    return check_many(servers, args.quiet, args.fail_on_stubs, again)


def workspace_at(given: Path | None) -> Workspace | None:
    """The workspace given, or the one found from the current folder up; None when
    none is given or found. SpecError when it has problems."""
    path = given if given is not None else find_workspace(Path.cwd())
    return None if path is None else load_workspace(path)


def selected(
    specs: Sequence[Path], out: Path | None, given: Path | None, command: str
) -> tuple[list[Server], str]:
    """The servers to run, and the command that regenerates them."""
    if out is not None and (given is not None or not specs):
        raise UsageError(
            "-o/--out cannot be used with a workspace: it says where each server "
            "is generated"
        )
    if given is not None or not specs:
        workspace = workspace_at(given)
        if workspace is None:
            raise UsageError(
                f"no spec given and no {FILE_NAME} in this folder or a parent (up "
                "to the repository root): pass a spec, or --workspace FILE"
            )
        option = f" --workspace {shown(given)}" if given is not None else ""
        chosen = _pick(workspace, specs)
        names = "".join(f" {shown(s.spec)}" for s in chosen) if specs else ""
        return chosen, f"mcpmint generate{option}{names}"
    if out is not None:
        raise UsageError(
            "-o/--out takes one spec: with several, each is generated in its own "
            f"folder; to choose the folders, list the specs in a {FILE_NAME}"
        )
    servers: dict[Path, Server] = {}
    for spec in specs:
        path = Path(os.path.abspath(spec))
        server = Server(path, path.parent)
        other = next((s for s in servers.values() if s.out == server.out), None)
        if other is not None and other.spec != path:
            raise UsageError(
                f"{shown(other.spec)} and {shown(path)} would both be generated in "
                f"{shown(path.parent)}: give each its own folder in a {FILE_NAME}"
            )
        servers[path] = server
    again = "mcpmint generate" + "".join(f" {shown(s)}" for s in servers)
    return list(servers.values()), again


def _pick(workspace: Workspace, specs: Sequence[Path]) -> list[Server]:
    if not specs:
        return list(workspace.servers)
    by_spec = {s.spec: s for s in workspace.servers}
    chosen = []
    for spec in specs:
        server = by_spec.get(Path(os.path.abspath(spec)))
        if server is None:
            raise UsageError(f"{spec} is not a server of {shown(workspace.path)}")
        chosen.append(server)
    return chosen


def _paths(server: Server) -> tuple[Path, Path]:
    """The spec and project folder as the commands show them (relative to the current
    folder): diagnostics name them so, and the up-to-date record is shared with
    `mcpmint generate SPEC -o OUT` run from here."""
    return Path(shown(server.spec)), Path(shown(server.out))


def _label(server: Server, client: Path | None = None) -> str:
    if client is not None:
        return f"{shown(server.spec)} → {shown(client)} (client-only)"
    return f"{shown(server.spec)} → {shown(server.out)}"


def _client_only(client: Path) -> tuple[ClientOnly, Path]:
    """The option and the folder (as shown) of a server's client-only package."""
    return ClientOnly(None), Path(shown(client))


_PINS = "pyproject.toml cannot install what the code needs"


def check_many(
    servers: Sequence[Server], quiet: bool, fail_on_stubs: bool, again: str
) -> int:
    """Check each server; print its problems and one status line; 1 if any failed."""
    failed = total = 0
    statuses = []
    for server in servers:
        for client in (None, server.client) if server.client else (None,):
            status, ok = _check_one(server, quiet, fail_on_stubs, client)
            failed += not ok
            total += 1
            statuses.append(status)
            if not quiet:
                print(f"{_label(server, client)}: {status}")
    if not quiet:
        print(f"{total - failed} of {_plural(total, 'project')} up to date")
        said = " ".join(statuses)
        if "out of date" in said or "invalid" in said:
            print(f"to refresh the generated files: run {again}", file=sys.stderr)
        if _PINS in said:
            print(
                "edit each pyproject.toml named above: it is yours, generate "
                "leaves it as it is",
                file=sys.stderr,
            )
    return 1 if failed else 0


def _check_one(
    server: Server, quiet: bool, fail_on_stubs: bool, client: Path | None = None
) -> tuple[str, bool]:
    try:
        spec, out = _paths(server)
        if client is not None:
            option, out = _client_only(client)
            problems = check(spec, out, option)
            unwritten = []
        else:
            problems = check(spec, out)
            unwritten = stubs(spec, out) if fail_on_stubs else []
    except SpecError as exc:
        if not quiet:
            print(format_diagnostics(exc.diagnostics), file=sys.stderr)
        return f"invalid: {_errors(exc.diagnostics)}", False
    if not quiet:
        for line in [*problems, *(f"stub: {path}" for path in unwritten)]:
            print(line)
    pins = {p for p in problems if p.startswith(f"{out / 'pyproject.toml'}:")}
    stale = [p for p in problems if p not in pins]
    parts = []
    if stale:
        parts.append(f"{_plural(len(stale), 'file')} out of date")
    if pins:
        parts.append(_PINS)
    if unwritten:
        parts.append(f"{_plural(len(unwritten), 'handler')} still a stub")
    return ("; ".join(parts), False) if parts else ("up to date", True)


def generate_many(servers: Sequence[Server], quiet: bool) -> int:
    """Validate every spec, then (all valid) generate each; 1 if any failed."""
    invalid = {s: errors for s in servers if (errors := _errors_of(s))}
    if invalid:
        for server in servers:
            found = invalid.get(server)
            if found:
                print(format_diagnostics(found), file=sys.stderr)
            status = f"invalid: {_errors(found)}" if found else "not written"
            print(f"{_label(server)}: {status}")
        print("nothing was written: fix the errors above", file=sys.stderr)
        return 1
    failed = 0
    for server in servers:
        ok = _generate_one(server, quiet)
        if ok and server.client is not None:
            ok = _generate_one(server, quiet, server.client)
        failed += not ok
    return 1 if failed else 0


def _errors_of(server: Server) -> list[Diagnostic]:
    from mcpmint.output import uptodate

    spec, out = _paths(server)
    if uptodate.current(spec, out) is not None:
        return []  # built from these very inputs before: valid
    _, found = diagnose(spec)
    return [d for d in found if d.level == "error"]


def _generate_one(server: Server, quiet: bool, client: Path | None = None) -> bool:
    try:
        if client is not None:
            option, out = _client_only(client)
            report = generate(_paths(server)[0], out, option)
        else:
            report = generate(*_paths(server))
    except OSError as exc:
        where = exc.filename if exc.filename is not None else server.out
        reason = exc.strerror or str(exc)
        print(f"{_label(server, client)}: {where}: {reason}; nothing was changed")
        return False
    except SpecError as exc:
        print(format_diagnostics(exc.diagnostics), file=sys.stderr)
        print(f"{_label(server, client)}: invalid: {_errors(exc.diagnostics)}")
        return False
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if not quiet:
        *files, counts = report.summary().splitlines()
        print(f"{_label(server, client)}: {counts}")
        for line in files:
            print(f"  {line}")
    if report.review:
        print(
            f"{shown(server.out)}: review these handlers: their tools' schemas "
            "changed (run mypy to see where)",
            file=sys.stderr,
        )
    if report.orphaned:
        print(
            f"{shown(server.out)}: orphaned handlers are kept: delete them yourself "
            "if the tools, prompts or resources are gone for good",
            file=sys.stderr,
        )
    return True


def _errors(found: Sequence[Diagnostic]) -> str:
    return _plural(sum(d.level == "error" for d in found), "error")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
