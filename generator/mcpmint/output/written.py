"""What the last `generate` wrote into a project: a hash per generated file.

`check` compares a generated file on disk with it to tell a hand edit (the file is
not what mcpmint wrote: the edit would be lost) from a stale file (mcpmint wrote it,
the spec or mcpmint changed since). Kept in the disk cache beside the build records,
keyed by the project's folder; without a record (`MCPMINT_NO_CACHE=1`, another
machine) every difference is called stale.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from mcpmint.output import cache

_KIND = "written"


def _entry(out: Path) -> str:
    return cache.key(b"written-1", str(out.resolve()).encode())


def remember(out: Path, texts: Mapping[str, str]) -> None:
    """Record the generated files' texts (relative path → text) as written."""
    hashes = {
        rel: cache.digest(text.encode("utf-8")) for rel, text in sorted(texts.items())
    }
    cache.write(_KIND, _entry(out), json.dumps(hashes))


def recorded(out: Path) -> dict[str, str]:
    """Each generated file's hash as the last `generate` wrote it; {} if unknown."""
    text = cache.read(_KIND, _entry(out))
    try:
        found = json.loads(text) if text is not None else {}
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): str(v) for k, v in found.items()}
