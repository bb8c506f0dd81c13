"""A small content-addressed disk cache for the costly stages (black, the models).

Entries are keyed by a hash of everything that decides their bytes, so the cache never
changes output, only how fast it comes. `MCPMINT_NO_CACHE=1` turns it off,
`MCPMINT_CACHE_DIR` moves it (default: `~/.cache/mcpmint`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def _folder(kind: str) -> Path | None:
    if os.environ.get("MCPMINT_NO_CACHE"):
        return None
    base = os.environ.get("MCPMINT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mcpmint"
    )
    return Path(base) / kind


def digest(data: bytes) -> str:
    """The hash kept of a file's bytes (records of builds and of writes)."""
    return hashlib.sha256(data).hexdigest()


def key(*parts: bytes) -> str:
    """A cache key for these inputs."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def read(kind: str, entry: str) -> str | None:
    """The cached text, or None."""
    folder = _folder(kind)
    if folder is None:
        return None
    try:
        return (folder / entry).read_text(encoding="utf-8")
    except OSError:
        return None


def write(kind: str, entry: str, text: str) -> None:
    """Store a text; a cache that cannot be written is only slower."""
    write_bytes(kind, entry, text.encode("utf-8"))


def read_bytes(kind: str, entry: str) -> bytes | None:
    """The cached bytes, or None."""
    folder = _folder(kind)
    if folder is None:
        return None
    try:
        return (folder / entry).read_bytes()
    except OSError:
        return None


def write_bytes(kind: str, entry: str, data: bytes) -> None:
    """Store bytes; a cache that cannot be written is only slower."""
    folder = _folder(kind)
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, folder / entry)
    except OSError:
        pass
