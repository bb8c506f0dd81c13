"""Where spec files are read from: the working tree, or a git revision.

The loader and the `$ref` inliner read every file through a `Source`, so a spec read
at a revision has its referenced files read at that same revision.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path
from typing import Protocol

__all__ = ["GitRevision", "Source", "WorkingTree"]


class Source(Protocol):
    """Reads files by path; `prefix` is put before file names in diagnostics."""

    prefix: str

    def resolve(self, path: Path) -> Path:
        """The absolute, normalised form of `path` (how files are compared)."""
        ...

    def is_file(self, path: Path) -> bool:
        """Whether `path` is a readable file in this source."""
        ...

    def read_bytes(self, path: Path) -> bytes:
        """The content of `path`; OSError (with a strerror) when it cannot be read."""
        ...


class WorkingTree:
    """The files on disk."""

    prefix = ""

    def resolve(self, path: Path) -> Path:
        return path.resolve()

    def is_file(self, path: Path) -> bool:
        return path.is_file()

    def read_bytes(self, path: Path) -> bytes:
        return path.read_bytes()


class GitRevision:
    """The files of a git revision, read with `git cat-file` in `cwd`'s repository.

    Relative paths are relative to `cwd`, as a plain path would be; symlinks in the
    working tree are not followed (the revision may not have them)."""

    def __init__(self, rev: str, cwd: Path) -> None:
        self.rev = rev
        self.cwd = Path(os.path.abspath(cwd))
        self.prefix = f"git:{rev}:"
        self._blobs: dict[Path, bytes | None] = {}

    def resolve(self, path: Path) -> Path:
        return Path(os.path.normpath(self.cwd / path))

    def is_file(self, path: Path) -> bool:
        return self._blob(path) is not None

    def read_bytes(self, path: Path) -> bytes:
        blob = self._blob(path)
        if blob is None:
            raise OSError(errno.ENOENT, f"not a file at {self.rev}", str(path))
        return blob

    def _blob(self, path: Path) -> bytes | None:
        target = self.resolve(path)
        if target not in self._blobs:
            self._blobs[target] = self._show(target)
        return self._blobs[target]

    def _show(self, target: Path) -> bytes | None:
        # ./ and ../ make git read the path relative to cwd; `cat-file blob` refuses a
        # folder, where `git show` would list it.
        relative = Path(os.path.relpath(target, self.cwd)).as_posix()
        where = relative if relative.startswith("../") else f"./{relative}"
        try:
            done = subprocess.run(
                ["git", "cat-file", "blob", f"{self.rev}:{where}"],
                cwd=self.cwd,
                capture_output=True,
                check=False,
            )
        except OSError:
            return None
        return done.stdout if done.returncode == 0 else None
