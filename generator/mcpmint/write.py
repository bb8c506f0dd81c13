"""Write a rendered project to disk (atomically, keeping user files) or compare it with disk."""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .render import GENERATED_MARK, RenderedFile

# Where generated files can be left over from an earlier spec: scanned for stale ones.
_SCAN_SUFFIXES = (".py", ".md", ".json")


@dataclass
class WriteReport:
    """What a generate run did to each file."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # user-owned files already there
    orphaned: list[str] = field(default_factory=list)  # user handlers no tool uses any more
    review: list[str] = field(default_factory=list)  # handlers whose tool's schemas changed
    warnings: list[str] = field(default_factory=list)  # what the generator noticed
    deleted: list[str] = field(default_factory=list)  # generated files no longer produced

    def summary(self) -> str:
        """One line per kind of change, then a count line."""
        lines = []
        for kind in ("created", "updated", "deleted", "orphaned", "review"):
            for path in getattr(self, kind):
                lines.append(f"{kind:>9}  {path}")
        counts = ", ".join(f"{len(getattr(self, k))} {k}" for k in ("created", "updated", "unchanged", "kept", "orphaned", "deleted"))
        lines.append(counts)
        return "\n".join(lines)


def is_generated(path: Path) -> bool:
    """Whether a file on disk carries the generated header (in its first three lines)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            head = [handle.readline() for _ in range(3)]
    except OSError:
        return False
    return any(GENERATED_MARK in line for line in head)


def _stale_generated(files: dict[PurePosixPath, RenderedFile], out: Path, package: str) -> list[PurePosixPath]:
    found = []
    for folder in (out / package, out / "tests"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = PurePosixPath(path.relative_to(out).as_posix())
            if path.is_file() and path.suffix in _SCAN_SUFFIXES and rel not in files and is_generated(path):
                found.append(rel)
    return found


def _orphans(files: dict[PurePosixPath, RenderedFile], out: Path, package: str) -> list[str]:
    folder = out / package / "handlers"
    if not folder.is_dir():
        return []
    return [
        f"{package}/handlers/{p.name}"
        for p in sorted(folder.glob("*.py"))
        if PurePosixPath(package, "handlers", p.name) not in files and not is_generated(p)
    ]


def write_tree(files: dict[PurePosixPath, RenderedFile], out: Path, package: str) -> WriteReport:
    """Write generated files that changed and user files that are missing; nothing else.

    Every new text is first written to a temporary file beside its target; only when all of
    them are on disk are they moved into place, so a failure leaves the old tree as it was.
    """
    report = WriteReport()
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []  # folders this run created, removed again if it fails
    try:
        for rel, rendered in files.items():
            target = out / rel
            if target.exists():
                if rendered.owner == "user":
                    report.kept.append(str(rel))
                    continue
                if target.read_bytes() == rendered.text.encode("utf-8"):
                    report.unchanged.append(str(rel))
                    continue
                report.updated.append(str(rel))
            else:
                report.created.append(str(rel))
            made += _make_parents(target)
            staged.append((_stage(target, rendered.text), target))
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        for folder in reversed(made):
            folder.rmdir()
        raise
    for temp, target in staged:
        os.replace(temp, target)
    for rel in _stale_generated(files, out, package):
        (out / rel).unlink()
        report.deleted.append(str(rel))
    report.orphaned = _orphans(files, out, package)
    return report


def _make_parents(target: Path) -> list[Path]:
    missing = [p for p in reversed(target.parents) if not p.exists()]
    for folder in missing:
        folder.mkdir()
    return missing


def _stage(target: Path, text: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".mcpmint-tmp", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    # mkstemp makes the file 0600; give it the mode the target has, or the usual one.
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o666 & ~_umask()
    os.chmod(name, mode)
    return Path(name)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def diff_tree(files: dict[PurePosixPath, RenderedFile], out: Path, package: str) -> list[str]:
    """What `generate` would change: one entry per stale, missing or extra file, with a diff."""
    problems = []
    for rel, rendered in files.items():
        target = out / rel
        if not target.exists():
            problems.append(f"missing: {rel}")
        elif rendered.owner == "generated":
            current = target.read_text(encoding="utf-8", errors="replace")
            if current != rendered.text:
                diff = difflib.unified_diff(current.splitlines(True), rendered.text.splitlines(True), f"a/{rel}", f"b/{rel}")
                problems.append(f"stale: {rel}\n" + "".join(diff).rstrip("\n"))
    for rel in _stale_generated(files, out, package):
        problems.append(f"extra: {rel} (generated, no longer produced)")
    return problems
