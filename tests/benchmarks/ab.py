"""A/B: the generated server against patched copies of it, interleaved.

    python -m tests.benchmarks.ab --road websocket --tool echo COPY_DIR [--rounds 5]
    python -m tests.benchmarks.ab --road http-json --clients 16 --also lowlevel COPY_DIR
    python -m tests.benchmarks.ab --road http-2026 --b-env MCPMINT_KERNEL_MODERN=1 -
    python -m tests.benchmarks.ab --cold-starts 10 --also lowlevel,floor COPY_DIR

COPY_DIR is a generated project (several may be given, each a B): a copy of the one
`--keep` leaves with a transport file edited, or with a patched `mcpmint_runtime/`
package next to `bench_server/` (it comes first on the copy's path); `-` for none.
A is the benchmark's own freshly generated server (on the installed runtime). Used
to measure a prototype fix before it goes into the generator's templates or the
runtime. Server CPU per call and calls/s, medians over rounds, the first server
rotating each round. `--clients N` measures N concurrent clients (one session
each, `concurrent_batch`, `--calls` shared between them) instead of one client
calling in sequence; `--also` adds hand-written servers (lowlevel, floor, ...).
`--b-env NAME=VALUE` (repeatable) adds a B side that is A's own server run with
those environment variables (an opt-in switch of the runtime, say).
`--cold-starts N` measures start-up instead: spawn → `initialize` answered over
stdio (wall time, and the server's CPU time, steadier on a loaded machine) and
the peak RSS (VmHWM) then, N times per server, interleaved, after one unmeasured
start each (it fills the caches).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from . import serving
from .clients import Session, StdioSession, initialize
from .procs import ROADS, SERVERS, Lineup, ServerProcess, peak_rss_mib, spawn, stop
from .run import generate_bench_server, snapshot_generator


async def _batch(
    args: argparse.Namespace,
    session: Session | None,
    proc: ServerProcess,
    counts: serving.Counts,
) -> serving.Batch:
    if args.clients > 1:
        return await serving.concurrent_batch(proc, args.tool, counts)
    assert session is not None
    return await serving.single_batch(session, proc, args.tool, counts)


async def measure(args: argparse.Namespace, work: Path) -> None:
    generated = Lineup(generate_bench_server(work, snapshot_generator(work)))
    lineups = {"A (generated)": (generated, "generated")}
    for copy in args.copies:
        if copy != "-":
            path = Path(copy).resolve()
            name = "B (patched)" if len(args.copies) == 1 else f"B {path.name}"
            lineups[name] = (Lineup(path), "generated")
    if args.b_env:
        env = dict(item.split("=", 1) for item in args.b_env)
        label = "B " + " ".join(args.b_env)
        lineups[label] = (replace(generated, env=env), "generated")
    for server in args.also:
        lineups[server] = (generated, server)
    if args.cold_starts:
        await cold_starts(args.cold_starts, lineups, work)
        return
    procs = {
        name: await spawn(lineup, server, args.road, work)
        for name, (lineup, server) in lineups.items()
    }
    stats: dict[str, dict[str, list[float]]] = {
        name: {"cpu": [], "p50": [], "rate": []} for name in procs
    }
    counts = replace(
        serving.Counts(),
        calls=args.calls,
        warmup=100,
        clients=args.clients,
        concurrent_calls=args.calls,
    )
    names = list(procs)
    try:
        sessions: dict[str, Session | None] = dict.fromkeys(procs)
        for name, proc in procs.items():
            if args.clients > 1:
                continue
            if args.road == "stdio":
                stdio = StdioSession(proc.process)
                await initialize(stdio)
                sessions[name] = stdio
            else:
                sessions[name] = await serving.open_session(proc)
        for round_ in range(args.rounds):
            turn = round_ % len(names)  # the first server rotates each round
            for name in names[turn:] + names[:turn]:
                batch = await _batch(args, sessions[name], procs[name], counts)
                summary = batch.summary()
                if summary["errors"]:
                    print(f"{name}: {summary['errors']} errors: {batch.first_error}")
                stats[name]["cpu"].append(summary["cpu_us_per_call"])
                stats[name]["p50"].append(summary["p50_ms"])
                stats[name]["rate"].append(summary["calls_per_s"])
        for session in sessions.values():
            if session is not None:
                await session.close()
    finally:
        await asyncio.gather(*(stop(p) for p in procs.values()))
    for name in procs:
        cpu, p50, rate = (stats[name][k] for k in ("cpu", "p50", "rate"))
        print(
            f"{name}: CPU/call median {statistics.median(cpu):.0f} µs "
            f"(min {min(cpu):.0f}, max {max(cpu):.0f}); "
            f"p50 median {statistics.median(p50):.3f} ms; "
            f"calls/s median {statistics.median(rate):.0f} "
            f"(min {min(rate):.0f}, max {max(rate):.0f})"
        )
    a = stats[names[0]]
    for name in names[1:]:
        b = stats[name]
        cpu_ratio = statistics.median(b["cpu"]) / statistics.median(a["cpu"])
        rate_ratio = statistics.median(b["rate"]) / statistics.median(a["rate"])
        print(f"{name} / A: CPU per call {cpu_ratio:.2f}, calls/s {rate_ratio:.2f}")


async def cold_starts(
    reps: int, lineups: dict[str, tuple[Lineup, str]], work: Path
) -> None:
    """Wall time, CPU time (all threads, 10 ms ticks) and peak RSS of each start."""
    names = list(lineups)
    got: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    for rep in range(reps + 1):  # rep 0 fills the .pyc and page caches
        turn = rep % len(names)
        for name in names[turn:] + names[:turn]:
            lineup, server = lineups[name]
            start = time.perf_counter()
            proc = await spawn(lineup, server, "stdio", work)
            try:
                await initialize(StdioSession(proc.process))
                took = (time.perf_counter() - start) * 1000
                measured = (took, proc.cpu() * 1000, peak_rss_mib(proc.pid) or 0.0)
            finally:
                await stop(proc)
            if rep:
                got[name].append(measured)
    base = [statistics.median(v[i] for v in got[names[0]]) for i in range(3)]
    for name in names:
        wall, cpu, rss = ([v[i] for v in got[name]] for i in range(3))
        wall_m, cpu_m, rss_m = (statistics.median(x) for x in (wall, cpu, rss))
        print(
            f"{name}: wall median {wall_m:.0f} ms ({min(wall):.0f}–{max(wall):.0f}), "
            f"{wall_m / base[0]:.2f}× A; CPU median {cpu_m:.0f} ms "
            f"({min(cpu):.0f}–{max(cpu):.0f}), {cpu_m / base[1]:.2f}× A; peak RSS "
            f"{rss_m:.1f} MiB ({min(rss):.1f}–{max(rss):.1f}), "
            f"{rss_m - base[2]:+.1f} MiB vs A"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.ab", description=__doc__
    )
    parser.add_argument(
        "copies", nargs="+", help="generated project folders (the B side), or -"
    )
    parser.add_argument("--road", choices=ROADS, default="websocket")
    parser.add_argument("--tool", choices=serving.TOOLS, default="echo")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument(
        "--cold-starts",
        type=int,
        default=0,
        metavar="N",
        help="measure N interleaved cold starts per server instead of calls",
    )
    parser.add_argument(
        "--also",
        type=lambda text: [s for s in text.split(",") if s],
        default=[],
        help=f"comma-separated servers among {', '.join(SERVERS[1:])}",
    )
    parser.add_argument(
        "--b-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a B side: A's server with this variable set (repeatable)",
    )
    args = parser.parse_args()
    if any("=" not in item for item in args.b_env):
        parser.error("--b-env takes NAME=VALUE")
    work = Path(tempfile.mkdtemp(prefix="mcpmint-ab-"))
    try:
        asyncio.run(measure(args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
