"""The benchmark harness runs end to end with tiny counts (the real run: python -m tests.benchmarks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .procs import CONCURRENT_ROADS, LABELS, ROADS, SERVERS, SUPPORTS
from .serving import TOOLS

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(600)
def test_the_benchmark_harness_produces_every_row_without_errors(
    tmp_path: Path,
) -> None:
    out = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "--smoke", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    data = json.loads(out.with_suffix(".json").read_text())
    unavailable = set(data["unavailable"])
    expected = {
        (mode, road, tool, server)
        for mode, roads in (("single", ROADS), ("concurrent", CONCURRENT_ROADS))
        for road in roads
        for tool in TOOLS
        for server in SERVERS
        if road in SUPPORTS[server] and server not in unavailable
    }
    measured = {(r["mode"], r["road"], r["tool"], r["server"]) for r in data["serving"]}
    assert measured == expected
    failed = [
        (r["mode"], r["road"], r["tool"], r["server"], r["first_error"])
        for r in data["serving"]
        if r["errors"]
    ]
    assert failed == []
    assert all(r["calls_per_s"] for r in data["serving"])
    assert {r["server"] for r in data["cold_start"]} == set(SERVERS) - unavailable
    assert [r for r in data["cold_start"] if r["error"]] == []
    commands = {r["command"] for r in data["generation"]}
    assert commands == {
        "generate",
        "regenerate (one tool edited)",
        "regenerate (no-op)",
        "check",
        "datamodel-codegen",
    }

    table = out.read_text()
    for heading in (
        "## Targets",
        "## One client",
        "concurrent clients",
        "## Cold start",
        "## Peak RSS",
        "## Generation",
    ):
        assert heading in table
    rows = [
        line for line in table.splitlines() if line.startswith("| ") and " | " in line
    ]
    for road, tool, server in {(k[1], k[2], k[3]) for k in expected}:
        assert any(f"| {road} | {tool} | {LABELS[server]} |" in row for row in rows), (
            road,
            tool,
            server,
        )
