"""Formatting spread over processes gives the bytes formatting in one process gives."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

import mcpmint.codegen.format as fmt
from mcpmint.codegen.render import RenderedFile

MESSY = "def f{n}( a,b = {n} ) :\n    return {{ 'k{n}' :[a,b,  {n}] }}\n\n" * 10


def files(count: int) -> dict[PurePosixPath, RenderedFile]:
    return {
        PurePosixPath(f"pkg/m{n}.py"): RenderedFile(
            MESSY.replace("{n}", str(n)) * (n % 5 + 1), "generated"
        )
        for n in range(count)
    } | {
        PurePosixPath("pkg/README.md"): RenderedFile("# not python (  )\n", "generated")
    }


def test_parallel_formatting_matches_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MCPMINT_NO_CACHE", "1")
    rendered = files(12)
    monkeypatch.setattr(fmt, "_PARALLEL_BYTES", 1000)  # small texts, the parallel path
    monkeypatch.setattr(
        fmt.os, "cpu_count", lambda: 4
    )  # 3 other processes, whatever the machine
    fmt._MEMO.clear()
    parallel = fmt.format_files(rendered)
    fmt._MEMO.clear()
    monkeypatch.setattr(fmt, "_PARALLEL_BYTES", 10**12)
    serial = fmt.format_files(rendered)
    assert parallel == serial
    assert parallel[PurePosixPath("pkg/m3.py")].text.startswith("def f3(a, b=3):\n")
    assert (
        parallel[PurePosixPath("pkg/README.md")]
        == rendered[PurePosixPath("pkg/README.md")]
    )
