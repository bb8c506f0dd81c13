"""A shared models package in a workspace diff: the bump its `version` needs.

A package's classes are what its users' servers serve and their consumers import, so
the bump it needs is the largest its users' servers need for the change (each user's
spec as it is now, with the old and then the new shared file), and at least major when
a definition is gone (its class can no longer be imported) or minor when one is added.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mcpmint.spec.source import GitRevision
from mcpmint.specdiff import report as rep
from mcpmint.specdiff.rules import Bump
from mcpmint.workspace.config import Server, Workspace, shown
from mcpmint.workspace.outcome import Outcome
from mcpmint.workspace.shared import Overlay, users_of

__all__ = ["package_at"]


def package_at(
    entry: Server,
    workspace: Workspace,
    old: str,
    new: str | None,
    cwd: Path,
    compare: Any,
) -> Outcome:
    """The package row of `mcpmint diff git:OLD [git:NEW]` for a shared file entry;
    `compare(server, old_source, new_source)` is the diff of one user."""
    rel = Path(os.path.relpath(entry.spec, cwd))
    if not GitRevision(old, cwd).is_file(rel):
        return Outcome(entry, f"new since {old}", None)
    before_bytes = GitRevision(old, cwd).read_bytes(rel)
    after_bytes = (
        GitRevision(new, cwd).read_bytes(rel) if new else entry.spec.read_bytes()
    )
    before = rep.load_side(f"git:{old}:{rel.as_posix()}", cwd=cwd)
    after = rep.load_side(
        f"git:{new}:{rel.as_posix()}" if new else rel.as_posix(), cwd=cwd
    )
    changed = changed_defs(before.get("$defs"), after.get("$defs"))
    sources = Overlay({entry.spec: before_bytes}), Overlay({entry.spec: after_bytes})
    users: list[Server] = []
    for source in sources:
        _, specs = users_of(workspace, entry.spec, source)
        users += [s for s in workspace.servers if s.spec in specs and s not in users]
    reports = [(u, compare(u, *sources)) for u in users]
    bumps: list[Bump] = [
        o.report.implied_bump for _, o in reports if o.report is not None
    ]
    bumps += ["major" for _, what in changed if what == "removed"]
    bumps += ["minor" for _, what in changed if what == "added"]
    implied = rep.largest_bump(bumps)
    versions = _version(before), _version(after)
    declared = rep.declared_bump(*versions)
    ok = rep.bump_ok(implied, declared, versions[0])
    report = rep.DiffReport((), *versions, implied, declared, ok)
    name = after.get("package")
    title = f"{name} (package)" if isinstance(name, str) else None
    body = _body(changed, reports)
    return Outcome(entry, "compared", report, title, body=body)


def changed_defs(old: Any, new: Any) -> list[tuple[str, str]]:
    """(definition, "removed" | "added" | "changed"), old order first."""
    old = old if isinstance(old, dict) else {}
    new = new if isinstance(new, dict) else {}
    changed = []
    for name in [*old, *(n for n in new if n not in old)]:
        if name not in new:
            changed.append((name, "removed"))
        elif name not in old:
            changed.append((name, "added"))
        elif old[name] != new[name]:
            changed.append((name, "changed"))
    return changed


def _version(data: Mapping[str, Any]) -> str | None:
    version = data.get("version")
    return None if version is None else str(version)


def _body(
    changed: Sequence[tuple[str, str]], reports: Sequence[tuple[Server, Outcome]]
) -> str:
    if not changed:
        return "no definition changed"
    lines = [f"{name} ({what})" for name, what in changed]
    for server, outcome in reports:
        bump = outcome.report.implied_bump if outcome.report else outcome.status
        lines.append(f"user {shown(server.spec)}: {bump}")
    return "\n".join(lines)
