"""`mcpmint diff`: the breaking-change report between two versions of a spec."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from mcpmint.specdiff.rules import RULES, Bump, Change, Level
from mcpmint.specdiff.spec_walk import compare_specs

__all__ = [
    "Change",
    "DiffInputError",
    "DiffReport",
    "Level",
    "bump_ok",
    "declared_bump",
    "diff_specs",
    "exit_code",
    "implied_bump",
    "load_side",
    "side_with_origins",
    "valid_side",
    "render_json",
    "render_text",
]

DeclaredBump = Literal["major", "minor", "patch", "none", "unknown"]
FailOn = Literal["error", "warning", "bump", "never"]

_RANK = {"none": 0, "patch": 1, "minor": 2, "major": 3}
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:[-+].*)?")


class DiffInputError(Exception):
    """One side of a diff could not be read or parsed."""


@dataclass(frozen=True, slots=True)
class DiffReport:
    """Every change between two specs, and what they imply for server.version."""

    changes: tuple[Change, ...]
    old_version: str | None
    new_version: str | None
    implied_bump: Bump
    declared_bump: DeclaredBump
    bump_ok: bool


def diff_specs(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    origins: Mapping[str, str] | None = None,
) -> DiffReport:
    """Compare two loaded specs and classify every change; `origins` (imported
    `$defs` name -> "shared/geo.yaml#/$defs/PostalCode", as `side_origins` gives)
    names the source of changes made in another file."""
    changes = sorted(compare_specs(old, new, origins), key=_order)
    versions = _version(old), _version(new)
    implied = implied_bump(changes)
    declared = declared_bump(*versions)
    ok = bump_ok(implied, declared, versions[0])
    return DiffReport(tuple(changes), *versions, implied, declared, ok)


def _version(spec: Mapping[str, Any]) -> str | None:
    server = spec.get("server")
    version = server.get("version") if isinstance(server, Mapping) else None
    return None if version is None else str(version)


def _order(change: Change) -> tuple[int, str, str, str]:
    return list(Level).index(change.level), change.path, change.rule, change.message


def implied_bump(changes: Iterable[Change]) -> Bump:
    """The smallest semver bump that covers every change."""
    return largest_bump(RULES[change.rule].bump for change in changes)


def largest_bump(bumps: Iterable[Bump]) -> Bump:
    """The largest of some bumps ("none" for no bumps)."""
    return max(bumps, key=_RANK.__getitem__, default="none")


def plainly_covered(report: DiffReport) -> bool:
    """Whether the declared bump covers the implied one without the 0.x rule."""
    declared = report.declared_bump
    return declared != "unknown" and _RANK[declared] >= _RANK[report.implied_bump]


def parse_version(version: str | None) -> tuple[int, int, int] | None:
    """`MAJOR.MINOR.PATCH` (a `-pre` or `+build` suffix ignored) as numbers."""
    return _parse(version)


def _parse(version: str | None) -> tuple[int, int, int] | None:
    match = _VERSION.fullmatch(version) if version else None
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def declared_bump(old: str | None, new: str | None) -> DeclaredBump:
    """The bump server.version made; unknown when unreadable or going backwards."""
    before, after = _parse(old), _parse(new)
    if before is None or after is None or after < before:
        return "unknown"
    if after == before:
        return "none"
    if after[0] > before[0]:
        return "major"
    return "minor" if after[1] > before[1] else "patch"


def _declared_rank(declared: DeclaredBump, old: str | None) -> int:
    """Rank of a declared bump; in 0.x each bump counts one step higher."""
    if declared == "unknown":
        return -1
    before = _parse(old)
    zero = before is not None and before[0] == 0 and declared in {"minor", "patch"}
    return _RANK[declared] + zero


def bump_ok(implied: Bump, declared: DeclaredBump, old: str | None) -> bool:
    """Whether the declared bump covers the implied one (any does for no changes)."""
    return implied == "none" or _declared_rank(declared, old) >= _RANK[implied]


_HEADINGS = {Level.ERROR: "Errors", Level.WARNING: "Warnings", Level.INFO: "Info"}
_IMPLIED = {"major": "a major bump", "minor": "a minor bump", "patch": "a patch bump"}
_DECLARED = {**_IMPLIED, "none": "unchanged"}


def render_text(report: DiffReport) -> str:
    """The report for people: changes made in a tool grouped by level, then changes
    made in a definition grouped by that source (each listed once, with the places
    it reaches), then a summary line counting every place."""
    lines: list[str] = []
    changes = sorted(report.changes, key=_order)
    for level in Level:
        group = [c for c in changes if c.level is level and c.source is None]
        if group:
            lines.append(f"{_HEADINGS[level]} ({len(group)}):")
            lines.extend(f"  {c.path}: {c.message} [{c.rule}]" for c in group)
            lines.append("")
    for source in sorted({c.source for c in changes if c.source is not None}):
        lines.extend(_source_group(source, [c for c in changes if c.source == source]))
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _source_group(source: str, changes: list[Change]) -> list[str]:
    places = len({c.path for c in changes})
    lines = [f"via {source}: {_plural(places, 'place')}"]
    edits: dict[tuple[Level, str, str], list[str]] = {}
    for change in changes:  # already in report order: worst level first
        key = change.level, change.rule, change.message
        edits.setdefault(key, []).append(change.path)
    for (level, rule, message), paths in edits.items():
        lines.append(f"  {level.value}: {message} [{rule}]")
        lines.extend(f"    {path}" for path in paths)
    return lines


def _counts(report: DiffReport) -> dict[str, int]:
    return {
        level.value: sum(c.level is level for c in report.changes) for level in Level
    }


def summary_line(report: DiffReport) -> str:
    """Counts per level, the implied bump, and whether server.version covers it."""
    counts = _counts(report)
    errors = _plural(counts["error"], "error")
    warnings = _plural(counts["warning"], "warning")
    implied = _IMPLIED.get(report.implied_bump, "no bump")
    tally = f"{errors}, {warnings}, {counts['info']} info"
    return f"{tally} — implies {implied}; {_version_note(report)}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _version_note(report: DiffReport) -> str:
    old, new = report.old_version, report.new_version
    head = f"server.version {old or '(missing)'} → {new or '(missing)'}"
    if report.declared_bump == "unknown":
        backwards = _parse(old) is not None and _parse(new) is not None
        reason = "goes backwards" if backwards else "is not MAJOR.MINOR.PATCH"
        return f"{head} {reason} ({'ok' if report.bump_ok else 'not ok'})"
    plain = plainly_covered(report)
    verdict = "too small" if not report.bump_ok else "ok" if plain else "ok in 0.x"
    return f"{head} is {_DECLARED[report.declared_bump]} ({verdict})"


def render_json(report: DiffReport) -> str:
    """The report for machines: fixed key order, changes sorted by level and path."""
    changes = [
        {
            "level": c.level.value,
            "path": c.path,
            "rule": c.rule,
            "message": c.message,
            "source": c.source,
        }
        for c in sorted(report.changes, key=_order)
    ]
    payload = {
        "old_version": report.old_version,
        "new_version": report.new_version,
        "implied_bump": report.implied_bump,
        "declared_bump": report.declared_bump,
        "bump_ok": report.bump_ok,
        "counts": _counts(report),
        "changes": changes,
    }
    return json.dumps(payload, indent=2) + "\n"


def exit_code(report: DiffReport, fail_on: FailOn) -> int:
    """1 if a change at fail_on's level or worse exists, else 0 ("never": always 0;
    "bump": 1 when server.version does not make the bump the changes imply)."""
    if fail_on == "bump":
        return int(not report.bump_ok)
    failing = {
        "error": {Level.ERROR},
        "warning": {Level.ERROR, Level.WARNING},
        "never": set(),
    }
    if fail_on not in failing:
        raise ValueError(f"fail_on must be error, warning or never, not {fail_on!r}")
    return int(any(change.level in failing[fail_on] for change in report.changes))


def load_side(ref: str, *, cwd: Path) -> Mapping[str, Any]:
    """Load one side of a diff as written, a file path or git:REV:PATH read with `git
    show`: YAML parsed, nothing validated, `$ref`s to other files not followed (the
    command uses `valid_side`, which follows them)."""
    text = _read_git(ref, cwd) if ref.startswith("git:") else _read_file(ref, cwd)
    return _parse_yaml(ref, text)


def valid_side(ref: str, *, cwd: Path) -> Mapping[str, Any]:
    """One side of a diff as `validate` sees it (see `side_with_origins`)."""
    return side_with_origins(ref, cwd=cwd)[0]


def side_with_origins(
    ref: str, *, cwd: Path
) -> tuple[Mapping[str, Any], dict[str, str]]:
    """One side of a diff as `validate` sees it: SpecError with every located error
    when it is not a valid spec (a diff of an invalid spec would mislead).

    Its `$ref`s to other files are inlined, as `generate` sees them: for a file, the
    files on disk; for git:REV:PATH, the files as they were at REV (each path relative
    to the folder of the file that holds the ref, `refRoot` respected). A ref whose
    target is missing at that side is an error naming the side's file and the ref.
    Also returns where each imported `$defs` entry came from (`LoadedSpec.origins`)."""
    from mcpmint.pipeline import diagnose
    from mcpmint.spec.diagnostics import SpecError
    from mcpmint.spec.source import GitRevision

    if ref.startswith("git:"):
        _read_git(ref, cwd)  # DiffInputError: why the spec itself cannot be read
        rev, _, path = ref.removeprefix("git:").partition(":")
        source = GitRevision(rev, cwd)
        loaded, found = diagnose(Path(path), display=ref, source=source)
    elif (cwd / ref).is_file():
        loaded, found = diagnose(cwd / ref, display=ref)
    else:
        return load_side(ref, cwd=cwd), {}  # the error that says why it can't be read
    errors = [d for d in found if d.level == "error"]
    if errors:
        raise SpecError(errors)
    data: Mapping[str, Any] = loaded.data
    return data, dict(loaded.origins)


def _read_file(ref: str, cwd: Path) -> str:
    try:
        return (cwd / ref).read_text(encoding="utf-8")
    except OSError as exc:
        raise DiffInputError(
            f"{ref}: cannot read the file: {exc.strerror or exc}"
        ) from exc
    except UnicodeDecodeError as exc:
        raise DiffInputError(f"{ref}: not UTF-8 text") from exc


def _read_git(ref: str, cwd: Path) -> str:
    rev, _, path = ref.removeprefix("git:").partition(":")
    if not rev or not path:
        raise DiffInputError(
            f"{ref}: expected git:REV:PATH, e.g. git:HEAD~1:specs/x.yaml"
        )
    # ./ makes git read PATH relative to cwd, as a plain file path would be.
    where = path if path.startswith(("./", "../")) else f"./{path}"
    try:
        done = subprocess.run(
            ["git", "show", f"{rev}:{where}"], cwd=cwd, capture_output=True, check=False
        )
    except OSError as exc:
        raise DiffInputError(f"{ref}: cannot run git: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        problem = (
            done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
        )
        raise DiffInputError(f"{ref}: git show failed: {problem.splitlines()[-1]}")
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DiffInputError(f"{ref}: not UTF-8 text") from exc


def _parse_yaml(ref: str, text: str) -> Mapping[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise DiffInputError(f"{ref}{where}: invalid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise DiffInputError(f"{ref}: invalid YAML: {exc}") from exc
    if not isinstance(data, Mapping):
        found = "an empty document" if data is None else f"a {type(data).__name__}"
        raise DiffInputError(f"{ref}: expected a mapping of spec keys, found {found}")
    return data
