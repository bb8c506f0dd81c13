"""Survey the spec fuzzer: run N cases of each family without stopping at the first
failure, and print every distinct failure (exception type, message, where) once.

    .venv/bin/python tests/hardening/fuzz_survey.py 10000

The pytest version (test_hostile_specs.py) stops at the first failures and shrinks
them; this one counts outcomes and lists each kind of bug with the first input that
showed it, for triage. Cases are split 45/35/20 between text mutations, data mutations
and hostile YAML, as in the tests.
"""

from __future__ import annotations

import collections
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from spec_mutations import data_mutation, hostile_yaml, text_mutation  # noqa: E402
from test_hostile_specs import run_case  # noqa: E402


def survey(
    name: str, strategy: st.SearchStrategy[bytes], cases: int, folder: Path
) -> None:
    counts: collections.Counter[str] = collections.Counter()
    failures: dict[tuple[str, str, tuple[str, ...]], bytes] = {}

    @settings(
        max_examples=cases,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(raw=strategy)
    def case(raw: bytes) -> None:
        try:
            counts[run_case(raw, folder)] += 1
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, none stops the run
            frames = traceback.extract_tb(exc.__traceback__)
            where = tuple(
                f"{Path(f.filename).name}:{f.lineno}"
                for f in frames
                if "mcpmint" in f.filename
            )[-3:]
            key = (
                type(exc).__name__,
                str(exc).splitlines()[0][:100] if str(exc) else "",
                where,
            )
            counts["failed"] += 1
            failures.setdefault(key, raw)

    started = time.monotonic()
    case()
    elapsed = time.monotonic() - started
    print(
        f"{name}: {sum(counts.values())} cases in {elapsed:.0f} s: {dict(counts)}",
        flush=True,
    )
    for (kind, message, where), raw in failures.items():
        print(
            f"  {kind}: {message}\n    at {' < '.join(reversed(where))}\n    first input: {raw[:300]!r}"
        )


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    os.environ.setdefault(
        "MCPMINT_CACHE_DIR", tempfile.mkdtemp(prefix="mcpmint-fuzz-cache-")
    )
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mcpmint-fuzz-") as folder:
        survey("text mutations", text_mutation(), total * 45 // 100, Path(folder))
        survey("data mutations", data_mutation(), total * 35 // 100, Path(folder))
        survey("hostile YAML", hostile_yaml(), total * 20 // 100, Path(folder))
    print(f"total: {total} cases in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
