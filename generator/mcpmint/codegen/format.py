"""Format rendered Python with black (pinned: the golden bytes depend on it).

Black is the dominant cost of generation, so results are cached: in memory for the
runtime and transport files that are the same text on every run, on disk whole (keyed by
a hash of black's version, its settings and the input) so that `check` and a no-op
`generate` format nothing, and on disk by segment (codegen/segments.py), so that an
edited tool sends only the windows of statements around it through black. Windows are
also what spreads a big project over the processes. The caches change no output byte;
`MCPMINT_NO_CACHE=1` turns the disk part off, `MCPMINT_CACHE_DIR` moves it, and
`MCPMINT_BLACK_WHOLE=1` formats whole files.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import PurePosixPath

import black
from black.mode import TargetVersion
from black.report import NothingChanged

from mcpmint.output import cache
from mcpmint.output.files import RenderedFile

from . import segments

_MODE = black.Mode(target_versions={TargetVersion.PY311}, line_length=88)
_KEY = f"black {version('black')} {_MODE!r}".encode()
# Formatting in other processes pays off only when there is this much to format.
_PARALLEL_BYTES = 200_000
_MAX_WORKERS = 4
# A window of statements black formats at once holds at least this much source.
_MIN_WINDOW = 8_000
_WINDOWS_PER_WORKER = 3
# What this process formatted, by source (the runtime's files are the same every run).
_MEMO: dict[str, str] = {}


def _black(text: str) -> str:
    try:
        # fast=True skips black's AST round trip; the golden tests compile and
        # type-check everything we emit.
        return black.format_file_contents(text, fast=True, mode=_MODE)
    except NothingChanged:
        return text


def format_python(text: str) -> str:
    """Black-formatted source, from the caches when this text was formatted before."""
    return _format_all({text: ""})[text]


def format_files(
    files: dict[PurePosixPath, RenderedFile],
) -> dict[PurePosixPath, RenderedFile]:
    """Every `.py` file formatted; other files as they are."""
    slots: dict[str, str] = {}  # text -> the first path holding it
    for path in sorted(files):
        if path.suffix == ".py":
            slots.setdefault(files[path].text, str(path))
    done = _format_all(slots)
    return {
        path: RenderedFile(done[f.text], f.owner) if path.suffix == ".py" else f
        for path, f in files.items()
    }


@dataclass
class _Job:
    """A file formatted by segments: those the store knows, the windows for the rest."""

    text: str
    slot: str
    parts: segments.Split
    keys: tuple[str, ...]
    known: dict[int, str]
    # each window: its source, the units it holds, how many are context, its last
    # segment
    windows: list[tuple[str, list[int], int, int]] = field(default_factory=list)


def _format_all(slots: dict[str, str]) -> dict[str, str]:
    """Each text formatted: from the whole-text cache, else by segments (black on the
    windows the segment store lacks), else whole."""
    done: dict[str, str] = {}
    whole: list[str] = []
    jobs: list[_Job] = []
    for text, slot in slots.items():
        entry = cache.key(_KEY, text.encode())
        cached = _MEMO.get(text) or cache.read("black", entry)
        if cached is not None:
            done[text] = cached
            continue
        # By segments (codegen/segments.py); MCPMINT_BLACK_WHOLE=1: whole files.
        whole_only = os.environ.get("MCPMINT_BLACK_WHOLE")
        parts = None if whole_only else segments.split(text)
        if parts is None:
            whole.append(text)
            continue
        keys = parts.keys(_KEY)
        stored = _store(slot)
        known = {i: stored[k] for i, k in enumerate(keys) if k in stored}
        jobs.append(_Job(text, slot, parts, keys, known))
    _plan(jobs)
    sources = whole + [w[0] for job in jobs for w in job.windows]
    formatted = _format_many(sorted(set(sources), key=len, reverse=True))
    for text in whole:
        done[text] = _remember(text, formatted[text] or _black(text))  # (or: raise)
    for job in jobs:
        result = _assemble(job, formatted)
        if result is None:  # black's output did not split: format it whole
            result = _black(job.text)
        else:
            _keep_store(job)
        done[job.text] = _remember(job.text, result)
    return done


def _plan(jobs: list[_Job]) -> None:
    """The windows of every job: runs of missing segments, cut so that the work
    spreads over the processes."""
    missing = [
        (job, [i for i in range(len(job.keys)) if i not in job.known]) for job in jobs
    ]
    total = sum(_size(job, i) for job, indices in missing for i in indices)
    limit = max(_MIN_WINDOW, total // (_workers() * _WINDOWS_PER_WORKER))
    for job, indices in missing:
        run: list[int] = []
        size = 0
        for i in indices + [-1]:
            if run and (i != run[-1] + 1 or size >= limit):
                job.windows.append((*job.parts.window(run[0], run[-1]), run[-1]))
                run, size = [], 0
            if i >= 0:
                run.append(i)
                size += _size(job, i)


def _size(job: _Job, i: int) -> int:
    units = job.parts.units
    return len(units[i].source) if i < len(units) else len(job.parts.tail)


def _assemble(job: _Job, formatted: dict[str, str | None]) -> str | None:
    n = len(job.parts.units)
    for source, held, context, last in job.windows:
        text = formatted[source]
        pieces = None if text is None else job.parts.read(text, held)
        if pieces is None:
            return None
        for unit, piece in list(zip(held, pieces, strict=False))[context:]:
            job.known[unit] = piece
        if last >= n - 1:  # the window ends with the file
            job.known[n] = pieces[-1]
    if len(job.known) != n + 1:
        return None
    return "".join(job.known[i] for i in range(n + 1))


def _store(slot: str) -> dict[str, str]:
    """The segments kept of the last file formatted at this path."""
    text = cache.read("black-segments", cache.key(_KEY, slot.encode()))
    if text is None:
        return {}
    try:
        stored = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(stored, dict):
        return {}
    return {k: v for k, v in stored.items() if isinstance(v, str)}


def _keep_store(job: _Job) -> None:
    segments_by_key = {key: job.known[i] for i, key in enumerate(job.keys)}
    entry = cache.key(_KEY, job.slot.encode())
    cache.write("black-segments", entry, json.dumps(segments_by_key))


def _remember(text: str, formatted: str) -> str:
    if len(_MEMO) >= 512:
        _MEMO.clear()
    _MEMO[text] = formatted
    cache.write("black", cache.key(_KEY, text.encode()), formatted)
    return formatted


def _workers() -> int:
    return min(os.cpu_count() or 1, _MAX_WORKERS)


def _format_many(texts: list[str]) -> dict[str, str | None]:
    """Every text through black (None: black refused it); much text spread over up
    to 4 processes (this one too)."""
    workers = _workers()
    if sum(map(len, texts)) < _PARALLEL_BYTES or workers < 2:
        return _format_group(texts)
    # Longest first, each into the lightest group (black's time grows with the length).
    groups: list[list[str]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for text in texts:  # sorted longest first
        lightest = loads.index(min(loads))
        groups[lightest].append(text)
        loads[lightest] += len(text)
    with ProcessPoolExecutor(workers - 1, mp_context=get_context("fork")) as pool:
        others = [pool.submit(_format_group, group) for group in groups[1:] if group]
        done = _format_group(groups[0])
        for future in others:
            done.update(future.result())
    return done


def _format_group(texts: list[str]) -> dict[str, str | None]:
    return {t: _black_or_none(t) for t in texts}


def _black_or_none(text: str) -> str | None:
    """Black's text, or None where it fails: a window then falls back to its whole
    file, and a whole file is formatted again in this process, to raise there."""
    try:
        return _black(text)
    except Exception:
        return None
