"""A/B: the generated server against a patched copy of it, interleaved, server CPU per call.

    python -m tests.benchmarks.ab --road websocket --tool echo COPY_DIR [--rounds 5 --calls 1500]

COPY_DIR is a generated project (e.g. a copy of the one `--keep` leaves, with a
transport file edited); A is the benchmark's own freshly generated server. Used to
measure a prototype fix before it goes into the generator's templates.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
from pathlib import Path

from . import serving
from .clients import StdioSession, initialize
from .procs import ROADS, Lineup, spawn, stop
from .run import generate_bench_server, snapshot_generator


async def measure(args: argparse.Namespace, work: Path) -> None:
    lineups = {
        "A (generated)": Lineup(generate_bench_server(work, snapshot_generator(work))),
        "B (patched)": Lineup(Path(args.copy).resolve()),
    }
    procs = {
        name: await spawn(lineup, "generated", args.road, work)
        for name, lineup in lineups.items()
    }
    cpu: dict[str, list[float]] = {name: [] for name in procs}
    p50: dict[str, list[float]] = {name: [] for name in procs}
    counts = serving.Counts(calls=args.calls, warmup=100)
    try:
        sessions = {}
        for name, proc in procs.items():
            if args.road == "stdio":
                sessions[name] = StdioSession(proc.process)
                await initialize(sessions[name])
            else:
                sessions[name] = await serving.open_session(proc)
        for _ in range(args.rounds):
            for name, proc in procs.items():
                batch = await serving.single_batch(
                    sessions[name], proc, args.tool, counts
                )
                summary = batch.summary()
                cpu[name].append(summary["cpu_us_per_call"])
                p50[name].append(summary["p50_ms"])
        for session in sessions.values():
            await session.close()
    finally:
        await asyncio.gather(*(stop(p) for p in procs.values()))
    for name in procs:
        print(
            f"{name}: CPU/call median {statistics.median(cpu[name]):.0f} µs "
            f"(min {min(cpu[name]):.0f}, max {max(cpu[name]):.0f}); "
            f"p50 median {statistics.median(p50[name]):.3f} ms"
        )
    a, b = (statistics.median(v) for v in cpu.values())
    print(f"B / A CPU per call: {b / a:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.ab", description=__doc__
    )
    parser.add_argument("copy", help="a generated project folder (the B side)")
    parser.add_argument("--road", choices=ROADS, default="websocket")
    parser.add_argument("--tool", choices=serving.TOOLS, default="echo")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=1500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mcpmint-ab-"))
    try:
        asyncio.run(measure(args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
