"""Format rendered Python with black (pinned: the golden bytes depend on it).

Black is the dominant cost of generation, so results are cached twice: in memory for the
runtime and transport files that are the same text on every run, and on disk (keyed by a
hash of black's version, its settings and the input) so that `check` and a no-op
`generate` format nothing. The cache changes no output byte; `MCPMINT_NO_CACHE=1` turns
the disk part off and `MCPMINT_CACHE_DIR` moves it.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import PurePosixPath

import black
from black.mode import TargetVersion
from black.report import NothingChanged

from mcpmint.output import cache
from mcpmint.output.files import RenderedFile

_MODE = black.Mode(target_versions={TargetVersion.PY311}, line_length=88)
_KEY = f"black {version('black')} {_MODE!r}".encode()
# Formatting in other processes pays off only when there is this much to format.
_PARALLEL_BYTES = 200_000
_MAX_WORKERS = 4


def _black(text: str) -> str:
    try:
        # fast=True skips black's AST round trip; the golden tests compile and
        # type-check everything we emit.
        return black.format_file_contents(text, fast=True, mode=_MODE)
    except NothingChanged:
        return text


@functools.lru_cache(maxsize=512)
def format_python(text: str) -> str:
    """Black-formatted source, from the cache when this text was formatted before."""
    entry = cache.key(_KEY, text.encode())
    cached = cache.read("black", entry)
    if cached is not None:
        return cached
    formatted = _black(text)
    cache.write("black", entry, formatted)
    return formatted


def format_files(
    files: dict[PurePosixPath, RenderedFile],
) -> dict[PurePosixPath, RenderedFile]:
    """Every `.py` file formatted; other files as they are."""
    texts = sorted(
        {f.text for p, f in files.items() if p.suffix == ".py"}, key=len, reverse=True
    )
    done = _format_many(texts)
    return {
        path: RenderedFile(done[f.text], f.owner) if path.suffix == ".py" else f
        for path, f in files.items()
    }


def _format_many(texts: list[str]) -> dict[str, str]:
    """Every text formatted; big projects spread over up to 4 processes (this one
    too)."""
    workers = min(os.cpu_count() or 1, _MAX_WORKERS)
    if sum(map(len, texts)) < _PARALLEL_BYTES or workers < 2:
        return {t: format_python(t) for t in texts}
    # Longest first, each into the lightest group (black's time grows with the length):
    # the models, the client, server.py and the tests end up in different processes.
    groups: list[list[str]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for text in texts:  # sorted longest first by format_files
        lightest = loads.index(min(loads))
        groups[lightest].append(text)
        loads[lightest] += len(text)
    with ProcessPoolExecutor(workers - 1, mp_context=get_context("fork")) as pool:
        others = [pool.submit(_format_group, group) for group in groups[1:] if group]
        done = _format_group(groups[0])
        for future in others:
            done.update(future.result())
    return done


def _format_group(texts: list[str]) -> dict[str, str]:
    return {t: format_python(t) for t in texts}
