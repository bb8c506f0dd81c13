"""What a many-server diff found for each server, as text (each server's report,
then a table) and as JSON, and the exit status."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mcpmint.specdiff import report as rep
from mcpmint.workspace.config import Server, shown

__all__ = ["Outcome", "next_version", "render_json", "render_text", "worst"]


@dataclass(frozen=True)
class Outcome:
    """One server's result: a report, or why there is none (`status`)."""

    server: Server
    status: str  # "compared", "new since REV", "invalid (...)"
    report: rep.DiffReport | None
    name: str | None = None
    needs: bool = False  # the spec is the same on both sides: say what version it needs
    body: str | None = None  # text in place of the report's (a shared models package)

    @property
    def title(self) -> str:
        return self.name or shown(self.server.spec)

    def verdict(self) -> str:
        report = self.report
        if report is None:
            return self.status.split(" (")[0]
        if self.needs:
            return next_version(report.old_version, report.implied_bump)
        if report.implied_bump == "none":
            return "ok"
        if not report.bump_ok:
            return "not ok" if report.declared_bump == "unknown" else "too small"
        return "ok" if rep.plainly_covered(report) else "ok in 0.x"

    def version(self) -> str:
        report = self.report
        if report is None:
            return "-"
        old, new = report.old_version or "(missing)", report.new_version or "(missing)"
        return old if self.needs else f"{old} → {new} ({report.declared_bump})"


def next_version(old: str | None, bump: str) -> str:
    """The smallest version after `old` that covers `bump` (0.x: one step lower)."""
    if bump == "none":
        return "no bump"
    parsed = rep.parse_version(old)
    if parsed is None:
        return f"a {bump} bump"
    major, minor, patch = parsed
    if major == 0:
        bump = {"major": "minor", "minor": "patch"}.get(bump, bump)
    if bump == "major":
        return f"{major + 1}.0.0"
    return (
        f"{major}.{minor + 1}.0" if bump == "minor" else f"{major}.{minor}.{patch + 1}"
    )


def render_text(outcomes: Sequence[Outcome]) -> str:
    """Each server's report under a heading, then one table row per server."""
    parts = []
    for outcome in outcomes:
        parts.append(f"== {outcome.title}: {shown(outcome.server.spec)} ==\n")
        body = outcome.body or (
            rep.render_text(outcome.report) if outcome.report else outcome.status
        )
        parts.append(body.rstrip("\n") + "\n\n")
    parts.append(_table(outcomes))
    return "".join(parts)


def _table(outcomes: Sequence[Outcome]) -> str:
    if not outcomes:
        return "no server uses it\n"
    needs = outcomes[0].needs
    head = ["server", "spec", "bump", "server.version", "needs" if needs else "verdict"]
    rows = [head]
    for o in outcomes:
        bump = o.report.implied_bump if o.report else "-"
        rows.append([o.title, shown(o.server.spec), bump, o.version(), o.verdict()])
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def render_json(outcomes: Sequence[Outcome], extra: Mapping[str, Any]) -> str:
    """The same for machines: `servers`, each with its report (or null), and
    `extra`'s keys."""
    servers = [
        {
            "server": o.name,
            "spec": shown(o.server.spec),
            "out": shown(o.server.out),
            "status": o.status,
            ("needs" if o.needs else "verdict"): o.verdict(),
            "report": json.loads(rep.render_json(o.report)) if o.report else None,
        }
        for o in outcomes
    ]
    return (
        json.dumps({**extra, "servers": servers}, indent=2, ensure_ascii=False) + "\n"
    )


def worst(outcomes: Sequence[Outcome], fail_on: rep.FailOn) -> int:
    """1 if a report fails `fail_on` (as a single diff would) or a spec is invalid."""
    codes = [
        rep.exit_code(o.report, fail_on)
        if o.report
        else int(o.status.startswith("invalid"))
        for o in outcomes
    ]
    return max(codes, default=0)
