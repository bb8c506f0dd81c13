"""Write a rendered project to disk (atomically, keeping user files) or compare it
with disk."""

from __future__ import annotations

import ast
import difflib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mcpmint.output import cache, written
from mcpmint.output.files import RenderedFile
from mcpmint.output.manifest import is_generated, old_packages, stale_generated
from mcpmint.output.renames import HandlerRename, renamed_source, stale_model_names

__all__ = ["WriteReport", "diff_tree", "is_generated", "orphans", "write_tree"]


@dataclass
class WriteReport:
    """What a generate run did to each file."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # user-owned files already there
    orphaned: list[str] = field(
        default_factory=list
    )  # user handlers no tool uses any more
    review: list[str] = field(
        default_factory=list
    )  # handlers whose tool's schemas changed
    warnings: list[str] = field(default_factory=list)  # what the generator noticed
    deleted: list[str] = field(
        default_factory=list
    )  # generated files no longer produced
    renamed: list[str] = field(default_factory=list)  # "old -> new" handler moves

    def summary(self) -> str:
        """One line per kind of change, then a count line."""
        lines = []
        for kind in ("created", "updated", "renamed", "deleted", "orphaned", "review"):
            for path in getattr(self, kind):
                lines.append(f"{kind:>9}  {path}")
        counts = ", ".join(
            f"{len(getattr(self, k))} {k}"
            for k in ("created", "updated", "unchanged", "kept", "orphaned", "deleted")
        )
        lines.append(counts)
        return "\n".join(lines)


def orphans(
    files: Collection[PurePosixPath], out: Path, package: str, old: Collection[str] = ()
) -> list[str]:
    """User handlers that no file of the build (no tool) names any more, and every
    file left in `old` package folders (after a package rename: the old package's
    handlers and lifespan, kept).

    A module under `handlers/` is a former handler only when it looks like one: a
    top-level `async def` named like the file. The user's own modules there (a
    `_store.py`, a `common.py` of helpers) are not reported.
    """
    found = []
    folder = out / package / "handlers"
    if folder.is_dir():
        found += [
            f"{package}/handlers/{p.name}"
            for p in sorted(folder.glob("*.py"))
            if PurePosixPath(package, "handlers", p.name) not in files
            and not is_generated(p)
            and _looks_like_handler(p)
        ]
    for name in old:
        if (out / name).is_dir():
            found += [
                p.relative_to(out).as_posix()
                for p in sorted((out / name).rglob("*"))
                if p.is_file() and "__pycache__" not in p.parts
            ]
    return found


def _looks_like_handler(path: Path) -> bool:
    """Whether a module under `handlers/` defines a top-level `async def` named like
    its file (what every handler stub does); never for a `_`-prefixed module."""
    if path.stem.startswith("_"):
        return False
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return False
    return any(
        isinstance(node, ast.AsyncFunctionDef) and node.name == path.stem
        for node in tree.body
    )


def write_tree(
    files: dict[PurePosixPath, RenderedFile],
    out: Path,
    package: str,
    renames: Collection[HandlerRename] = (),
) -> WriteReport:
    """Write generated files that changed and user files that are missing; nothing
    else.

    All or nothing: every new text is first written to a temporary file beside its
    target (a full disk fails here, before anything is touched); then, with SIGINT and
    SIGTERM held back, the old files are moved aside into a backup folder, the new ones
    moved in and the stale ones moved out. Any failure there moves everything back.
    Only a SIGKILL or a power cut can leave a mix of old and new files, which the next
    run completes (generation is idempotent) and whose leftovers it sweeps away.

    A renamed tool's handler whose new file is missing is that file's text: the old
    file, its function renamed, is staged as the new one and moved out with the stale.
    """
    report = WriteReport()
    _sweep_leftovers(out, package)
    staged: list[tuple[Path, Path]] = []
    moved: list[Path] = []  # renamed handlers' old files, moved out with the stale
    made: list[Path] = []  # folders this run created, removed again if it fails
    by_new = {rename.new: rename for rename in renames}
    try:
        for rel, rendered in files.items():
            target = out / rel
            rename = by_new.get(rel)
            if rename is not None and (out / rename.old).is_file():
                if target.exists():
                    report.warnings.append(_both_exist(rename))
                else:
                    data = _moved_handler(out, rename, report)
                    staged.append((_stage(target, data, out / rename.old), target))
                    moved.append(out / rename.old)
                    continue
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
            staged.append((_stage(target, rendered.text.encode("utf-8")), target))
        stale = stale_generated(files, out, package)
        with _signals_held():
            _commit(staged, [out / rel for rel in stale] + moved, out)
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        for folder in reversed(made):
            _remove_folder(folder)
        raise
    report.deleted = [str(rel) for rel in stale]
    _prune_emptied([out / rel for rel in stale], out)
    generated = {str(r): f.text for r, f in files.items() if f.owner == "generated"}
    written.remember(out, generated)
    report.orphaned = orphans(files, out, package, old_packages(stale, package))
    return report


def _moved_handler(out: Path, rename: HandlerRename, report: WriteReport) -> bytes:
    """The old handler's bytes with its function renamed (or as they are, with a
    warning, when it has no such function); the move in the report."""
    source = (out / rename.old).read_bytes()
    edited = renamed_source(source, rename.old_function, rename.new_function)
    report.renamed.append(f"{rename.old} -> {rename.new}")
    if edited is None:
        report.warnings.append(
            f"warning: {rename.new} (moved from {rename.old}) has no top-level "
            f"`async def {rename.old_function}`: name its handler function "
            f"`{rename.new_function}`"
        )
        edited = source
    if stale := stale_model_names(edited, rename):
        now = [rename.new_models + n.removeprefix(rename.old_models) for n in stale]
        report.warnings.append(
            f"warning: {rename.new} (moved from {rename.old}) uses "
            f"{', '.join(stale)}: the tool's models are now {', '.join(now)}; "
            "update its imports and annotations"
        )
    return edited


def _both_exist(rename: HandlerRename) -> str:
    return (
        f"warning: renamedFrom: both {rename.old} and {rename.new} exist, so "
        f"nothing moved; move your code into {rename.new} and delete {rename.old}"
    )


def _prune_emptied(removed: list[Path], out: Path) -> None:
    """Remove the folders that removing stale files left empty (bytecode caches aside),
    e.g. `transports/` of a server generated before the runtime became a library."""
    folders = {parent for path in removed for parent in path.parents}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        if folder == out or out not in folder.parents or not folder.is_dir():
            continue
        entries = list(folder.iterdir())
        if all(e.name == "__pycache__" and e.is_dir() for e in entries):
            for cache in entries:
                shutil.rmtree(cache, ignore_errors=True)
            _remove_folder(folder)


_BACKUP_PREFIX = ".mcpmint-backup-"
_TEMP_SUFFIX = ".mcpmint-tmp"


def _commit(staged: list[tuple[Path, Path]], stale: list[Path], out: Path) -> None:
    """Move the staged files in and the stale ones out; on any failure, undo every
    move."""
    if not staged and not stale:
        return
    backup = Path(tempfile.mkdtemp(prefix=_BACKUP_PREFIX, dir=out))
    undo: list[tuple[Path, Path | None]] = []  # (path, its old file in backup or None)
    try:
        for n, (temp, target) in enumerate(staged):
            old = backup / str(n)
            if target.exists():
                os.replace(target, old)
                undo.append((target, old))
            else:
                undo.append((target, None))
            os.replace(temp, target)
        for n, path in enumerate(stale, start=len(staged)):
            old = backup / str(n)
            os.replace(path, old)
            undo.append((path, old))
    except BaseException:
        for path, saved in reversed(undo):
            if saved is None:
                path.unlink(missing_ok=True)
            elif saved.exists():
                os.replace(saved, path)
        shutil.rmtree(backup, ignore_errors=True)
        raise
    # Committed: the backups are no longer needed (an interrupt here leaves only them,
    # and the next run sweeps them away).
    shutil.rmtree(backup, ignore_errors=True)


def _sweep_leftovers(out: Path, package: str) -> None:
    """Remove what an earlier run killed mid-write left: backups and temporary
    files."""
    if not out.is_dir():
        return
    for folder in out.glob(f"{_BACKUP_PREFIX}*"):
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
    for tree in (out / package, out / "tests"):
        if tree.is_dir():
            for temp in tree.rglob(f".*{_TEMP_SUFFIX}"):
                temp.unlink(missing_ok=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block ends, then act on them as
    usual."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, Any]] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) for sig in held}
    for sig in held:
        signal.signal(sig, lambda number, frame: caught.append((number, frame)))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    for number, frame in caught[:1]:
        handler = previous[signal.Signals(number)]
        if callable(handler):
            handler(number, frame)
        elif handler == signal.SIG_DFL:
            signal.raise_signal(number)


def _remove_folder(folder: Path) -> None:
    try:
        os.rmdir(folder)
    except OSError:  # not empty: something else wrote there meanwhile; leave it
        pass


def _make_parents(target: Path) -> list[Path]:
    missing = [p for p in reversed(target.parents) if not p.exists()]
    for folder in missing:
        folder.mkdir()
    return missing


def _stage(target: Path, data: bytes, like: Path | None = None) -> Path:
    """`data` in a new temporary file beside `target`, with the mode of `like` (else
    `target`'s, else the usual one); nothing left behind if that fails."""
    fd, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=_TEMP_SUFFIX, dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file 0600; give it the mode the target has, or the usual
        # one.
        try:
            mode = (like or target).stat().st_mode & 0o777
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(name, mode)
    except BaseException as exc:
        Path(name).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:  # a write: name it
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise
    return Path(name)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def diff_tree(
    files: dict[PurePosixPath, RenderedFile], out: Path, package: str
) -> list[str]:
    """What `generate` would change: one entry per stale, missing or extra file,
    with a unified diff (a missing or extra file against /dev/null). A generated file
    that differs from what the last `generate` wrote is `hand-edited:` (the edit would
    be lost), one mcpmint wrote and would now write differently `stale:`."""
    problems = []
    last = written.recorded(out)
    for rel, rendered in files.items():
        target = out / rel
        if not target.exists():
            diff = _diff("", rendered.text, "/dev/null", f"b/{rel}")
            problems.append(f"missing: {rel}\n{diff}")
        elif rendered.owner == "generated":
            current = target.read_text(encoding="utf-8", errors="replace")
            if current != rendered.text:
                diff = _diff(current, rendered.text, f"a/{rel}", f"b/{rel}")
                edited = (
                    str(rel) in last
                    and cache.digest(current.encode("utf-8")) != last[str(rel)]
                )
                label = "hand-edited" if edited else "stale"
                problems.append(f"{label}: {rel}\n{diff}")
    for rel in stale_generated(files, out, package):
        current = (out / rel).read_text(encoding="utf-8", errors="replace")
        diff = _diff(current, "", f"a/{rel}", "/dev/null")
        problems.append(f"extra: {rel} (generated, no longer produced)\n{diff}")
    return problems


def _diff(old: str, new: str, old_name: str, new_name: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(True), new.splitlines(True), old_name, new_name
    )
    return "".join(lines).rstrip("\n")
