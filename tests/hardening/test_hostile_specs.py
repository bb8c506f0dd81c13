"""Fuzzing the generator with hostile specs: every case builds or is refused with located
diagnostics, within bounded CPU time and memory; no other exception, no crash.

Three families of cases, from a seed corpus (specs/*.yaml and tests/golden/invalid/*.yaml):
text mutations of the seed files (bytes inserted, deleted, swapped; hostile tokens such
as tabs, BOMs, NULs, anchors, tags, huge numbers), data mutations of the valid seeds
(wrong types, missing and extra keys, deep nesting, huge and odd strings) serialised as
YAML or JSON, and hostile YAML built from scratch (alias bombs, deep nesting, other
encodings, binary, empty files).

A build that succeeds must be usable: every Python file compiles, tools.json holds valid
MCP Tool objects, and models.py imports. `MCPMINT_FUZZ_EXAMPLES` (default 300) is the
total number of cases across the three families; docs/reliability.md gives the nightly
command. Budgets per case: `MCPMINT_FUZZ_CASE_SECONDS` CPU seconds (default 5) and
`MCPMINT_FUZZ_CASE_MB` MB of peak RSS above the start (default 1024). To list every
distinct failure instead of stopping at the first: `python tests/hardening/fuzz_survey.py N`.
"""

from __future__ import annotations

import itertools
import json
import shutil
import sys
import time
import types
from collections import Counter
from pathlib import Path
from typing import Any

import mcp_types
from hardening_support import ROOT, env_int
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from spec_mutations import SEED_FILES, data_mutation, hostile_yaml, text_mutation

from mcpmint import SpecError, build

TOTAL = env_int("MCPMINT_FUZZ_EXAMPLES", 300)
CASE_CPU_SECONDS = float(env_int("MCPMINT_FUZZ_CASE_SECONDS", 5))
CASE_WALL_SECONDS = 12 * CASE_CPU_SECONDS  # a loaded CI machine is slow, not stuck
CASE_PEAK_MB = env_int("MCPMINT_FUZZ_CASE_MB", 1024)


# Shrinking a failing spec can take minutes; CI reports the input as found, and
# MCPMINT_FUZZ_SHRINK=1 asks Hypothesis for the smallest one.
PHASES = [Phase.explicit, Phase.generate] + (
    [Phase.shrink] if env_int("MCPMINT_FUZZ_SHRINK", 0) else []
)


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=max(1, examples),
        deadline=None,
        phases=PHASES,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
        database=None,  # each run searches afresh; a failure prints its reproduction blob
    )


# --------------------------------------------------------------------------------------
# Running one case


def _peak_reset() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _line_count(raw: bytes) -> int:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return 1
    return max(1, len(text.splitlines())) + 1


def assert_located(error: SpecError, spec: Path, raw: bytes) -> None:
    """Every diagnostic names a file, a line and a column that exist."""
    assert error.diagnostics, "SpecError without diagnostics"
    assert any(d.level == "error" for d in error.diagnostics), error
    lines = _line_count(raw)
    for d in error.diagnostics:
        assert d.file and d.line >= 1 and d.column >= 1, d
        if d.file == str(spec):
            assert d.line <= lines, (d, lines)
        assert d.format().startswith(f"{d.file}:{d.line}:{d.column}: {d.level}: "), d
    assert str(error).strip()


_counter = itertools.count()


def assert_usable(files: dict[Any, Any]) -> None:
    """A build that succeeded produced code that compiles and models that import."""
    models_text = None
    for path, rendered in files.items():
        if path.suffix == ".py":
            compile(rendered.text, str(path), "exec")
        if path.name == "tools.json":
            for tool in json.loads(rendered.text)["tools"]:
                mcp_types.Tool.model_validate(tool)
        if path.name == "models.py":
            models_text = rendered.text
    assert models_text is not None
    name = f"_hardening_fuzz_models_{next(_counter)}"
    module = types.ModuleType(name)
    sys.modules[name] = module  # pydantic resolves the annotations through sys.modules
    try:
        exec(compile(models_text, f"{name}.py", "exec"), module.__dict__)
    finally:
        del sys.modules[name]


def run_case(raw: bytes, folder: Path) -> str:
    """Build `raw` as a spec; 'built' or 'refused'; fails on anything else."""
    case = folder / f"case{next(_counter)}"
    shutil.rmtree(case, ignore_errors=True)
    spec_dir = case / "specs"
    spec_dir.mkdir(parents=True)
    # tracker's external refs (shared/), conformance's bundled files
    for folder in sorted(p for p in (ROOT / "specs").iterdir() if p.is_dir()):
        shutil.copytree(folder, spec_dir / folder.name)
    spec = spec_dir / "fuzz.yaml"
    spec.write_bytes(raw)
    try:
        return _run(raw, spec, case / "out")
    finally:
        shutil.rmtree(case, ignore_errors=True)


def _run(raw: bytes, spec: Path, out: Path) -> str:
    measured = _peak_reset()
    base = _status_mb("VmRSS")
    cpu, wall = time.process_time(), time.monotonic()
    try:
        result = build(spec, out)
        outcome = "built"
    except SpecError as error:
        assert_located(error, spec, raw)
        outcome = "refused"
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    assert cpu <= CASE_CPU_SECONDS, (
        f"{cpu:.1f} s of CPU for one spec ({len(raw)} bytes)"
    )
    assert wall <= CASE_WALL_SECONDS, f"{wall:.1f} s for one spec ({len(raw)} bytes)"
    if measured:
        peak = _status_mb("VmHWM") - base
        assert peak <= CASE_PEAK_MB, (
            f"{peak:.0f} MB peak for one spec ({len(raw)} bytes)"
        )
    if outcome == "built":
        assert_usable(result.files)
    return outcome


# --------------------------------------------------------------------------------------
# The tests: each runs its Hypothesis search itself, then checks that the family reached
# both outcomes (a family that only ever refuses tests little).


def fuzz(
    strategy: st.SearchStrategy[bytes], examples: int, folder: Path
) -> Counter[str]:
    counts: Counter[str] = Counter()

    @fuzz_settings(examples)
    @given(raw=strategy)
    def case(raw: bytes) -> None:
        counts[run_case(raw, folder)] += 1

    started = time.monotonic()
    case()
    print(
        f"{sum(counts.values())} cases ({dict(counts)}) in {time.monotonic() - started:.1f} s"
    )
    return counts


def test_mutated_seed_files_build_or_are_refused_with_located_diagnostics(
    tmp_path: Path, format_cache: Path
) -> None:
    counts = fuzz(text_mutation(), TOTAL * 45 // 100, tmp_path)
    assert counts["built"] and counts["refused"], counts


def test_mutated_spec_data_builds_or_is_refused_with_located_diagnostics(
    tmp_path: Path, format_cache: Path
) -> None:
    counts = fuzz(data_mutation(), TOTAL * 35 // 100, tmp_path)
    assert counts["built"] and counts["refused"], counts


def test_hostile_yaml_is_refused_or_built_within_budget(
    tmp_path: Path, format_cache: Path
) -> None:
    counts = fuzz(hostile_yaml(), TOTAL * 20 // 100, tmp_path)
    assert counts["refused"], counts


def test_every_seed_file_builds_or_is_refused_as_its_golden_file_says(
    tmp_path: Path, format_cache: Path
) -> None:
    """The corpus itself: the examples build, the invalid specs are refused."""
    for path in SEED_FILES:
        outcome = run_case(path.read_bytes(), tmp_path)
        assert outcome == ("refused" if "invalid" in path.parts else "built"), path
