"""Format rendered Python with black (pinned: the golden bytes depend on it)."""

from __future__ import annotations

import functools
from pathlib import PurePosixPath

import black

from .render import RenderedFile

_MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=88)


@functools.lru_cache(maxsize=512)
def format_python(text: str) -> str:
    """Black-formatted source; the text unchanged if black has nothing to do.

    Cached: the runtime and transport files are the same text on every run, and black is
    the dominant cost of generation. `fast=True` skips black's AST round-trip check, which
    our golden tests (compile, ruff, mypy) already cover.
    """
    try:
        return black.format_file_contents(text, fast=True, mode=_MODE)
    except black.NothingChanged:
        return text


def format_files(files: dict[PurePosixPath, RenderedFile]) -> dict[PurePosixPath, RenderedFile]:
    """Every `.py` file formatted; other files as they are."""
    return {
        path: RenderedFile(format_python(f.text), f.owner) if path.suffix == ".py" else f
        for path, f in files.items()
    }
