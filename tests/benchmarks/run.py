"""The benchmark's command line: `python -m tests.benchmarks [--smoke] [--out results.md]`.

Generates the benchmark's server from specs/bench.yaml (with the handlers in
handlers/), measures every road with every server side by side, then generation, and
writes a Markdown table plus the raw records as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from . import generation, report, serving
from .procs import HERE, ROADS, SERVERS, Lineup, machine, versions

REPO = HERE.parents[1]
SPEC = HERE / "specs" / "bench.yaml"
PACKAGES = (
    "mcp",
    "mcp-types",
    "pydantic",
    "pydantic-core",
    "anyio",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "websockets",
    "sse-starlette",
    "black",
    "datamodel-code-generator",
)
FULL_SIZES = (1, 10, 100, 300)
SMOKE_SIZES = (1,)


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks", description=__doc__
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny counts: checks the harness, measures nothing",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "results.md",
        help="Markdown table (default: %(default)s)",
    )
    parser.add_argument(
        "--json", type=Path, help="raw records (default: --out with .json)"
    )
    parser.add_argument(
        "--roads", default=",".join(ROADS), help="comma-separated subset of %(default)s"
    )
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--calls", type=int, help="calls per single-client batch")
    parser.add_argument(
        "--concurrent-calls", type=int, help="calls per 16-client batch"
    )
    parser.add_argument("--cold-starts", type=int)
    parser.add_argument(
        "--gen-sizes", help="comma-separated tool counts (default 1,10,100,300)"
    )
    parser.add_argument(
        "--gen-reps",
        type=int,
        help="repetitions of the generation commands (default 3)",
    )
    parser.add_argument("--skip-serving", action="store_true")
    parser.add_argument("--skip-generation", action="store_true")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the work folder (generated server, logs)",
    )
    return parser.parse_args(argv)


def counts_from(args: argparse.Namespace) -> serving.Counts:
    counts = serving.SMOKE if args.smoke else serving.Counts()
    overrides = {
        "rounds": args.rounds,
        "calls": args.calls,
        "concurrent_calls": args.concurrent_calls,
        "cold_starts": args.cold_starts,
    }
    return replace(counts, **{k: v for k, v in overrides.items() if v is not None})


def snapshot_generator(work: Path) -> dict[str, str]:
    """Copy generator/ and templates/ into `work`; the environment that runs the copy.

    Other engineers edit the generator while a run goes on: every command of one run
    then measures the same code (as it was when the run started).
    """
    target = work / "snapshot" / "mcpmint"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "generator" / "mcpmint", target, ignore=ignore)
    shutil.copytree(REPO / "templates", target / "_templates", ignore=ignore)
    # Byte-compiled as `pip install` leaves an installed mcpmint: with
    # PYTHONDONTWRITEBYTECODE set, every command would compile the generator's ~100
    # modules from source, a cost no installed copy pays.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(target)], check=True, timeout=300
    )
    path = os.pathsep.join(
        p for p in (str(work / "snapshot"), os.environ.get("PYTHONPATH")) if p
    )
    return dict(os.environ, PYTHONPATH=path)


def generate_bench_server(work: Path, env: dict[str, str] | None = None) -> Path:
    """The benchmark's server generated into `work/generated`, our handlers kept."""
    out = work / "generated"
    handlers = out / "bench_server" / "handlers"
    handlers.mkdir(parents=True)
    for name in ("echo.py", "search.py"):
        shutil.copy(HERE / "handlers" / name, handlers / name)
    done = subprocess.run(
        [sys.executable, "-m", "mcpmint", "generate", str(SPEC), "-o", str(out)],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"mcpmint generate failed:\n{done.stdout}\n{done.stderr}")
    if (
        "bench_server/handlers/search.py" in done.stdout
        and "created" in done.stdout.split("search.py")[0][-20:]
    ):
        raise RuntimeError("the generator overwrote the benchmark's handlers")
    return out


def git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=30,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "generator", "templates"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    state = head.stdout.strip() or "unknown"
    return state + (
        " with uncommitted changes in generator/ or templates/"
        if dirty.stdout.strip()
        else ""
    )


async def measure_serving(
    lineup: Lineup,
    counts: serving.Counts,
    roads: list[str],
    work: Path,
    data: dict[str, Any],
) -> None:
    logs = work / "logs"
    logs.mkdir(exist_ok=True)

    async def road_task(road: str) -> None:
        _log(f"road {road}")
        records, rss = await serving.measure_road(road, lineup, counts, logs, _log)
        data["serving"] += records
        data["peak_rss_mib"][road] = rss

    async def cold_task() -> None:
        _log("cold starts")
        data["cold_start"] = await serving.cold_starts(lineup, counts, logs)

    if counts.overlap:  # smoke: everything at once, to stay fast
        await asyncio.gather(*(road_task(r) for r in roads), cold_task())
        return
    for road in roads:
        await road_task(road)
    await cold_task()


def _write(data: dict[str, Any], args: argparse.Namespace) -> None:
    data["meta"].setdefault("load_end", os.getloadavg())
    data["meta"].setdefault("seconds", 0.0)
    json_path = args.json or args.out.with_suffix(".json")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(data, indent=1) + "\n")
    args.out.write_text(report.markdown(data))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    counts = counts_from(args)
    roads = [r for r in args.roads.split(",") if r]
    unknown = set(roads) - set(ROADS)
    if unknown:
        raise SystemExit(f"unknown roads: {sorted(unknown)}")
    sizes = (
        tuple(int(s) for s in args.gen_sizes.split(","))
        if args.gen_sizes
        else (SMOKE_SIZES if args.smoke else FULL_SIZES)
    )
    gen_reps = args.gen_reps or (1 if args.smoke else 3)
    work = Path(tempfile.mkdtemp(prefix="mcpmint-bench-"))
    command = "python -m tests.benchmarks" + (
        " " + " ".join(sys.argv[1:]) if argv is None and sys.argv[1:] else ""
    )
    data: dict[str, Any] = {
        "serving": [],
        "peak_rss_mib": {},
        "cold_start": [],
        "generation": [],
        "notes": [],
    }
    try:
        _log(f"work folder {work}; load {os.getloadavg()}")
        generator_env = snapshot_generator(work)
        lineup = Lineup(generate_bench_server(work, generator_env))
        data["unavailable"] = {s: why for s in SERVERS if (why := lineup.available(s))}
        data["meta"] = {
            "command": command,
            "machine": machine(),
            "load_start": os.getloadavg(),
            "versions": versions(sys.executable, PACKAGES),
            "fastmcp_python": lineup.fastmcp,
            "fastmcp_versions": versions(
                lineup.fastmcp, ("fastmcp", "mcp", "pydantic", "uvicorn")
            )
            if lineup.fastmcp
            else {},
            "git": git_state(),
            "counts": asdict(counts),
            "gen_reps": 0 if args.skip_generation else gen_reps,
        }

        async def measure_generation() -> None:
            _log(f"generation: sizes {sizes}, {gen_reps} reps")
            data["generation"] = await asyncio.to_thread(
                generation.measure,
                sizes,
                gen_reps,
                work / "generation",
                sys.executable,
                generator_env,
            )

        async def measure_all() -> None:
            serve = (
                []
                if args.skip_serving
                else [measure_serving(lineup, counts, roads, work, data)]
            )
            gen = [] if args.skip_generation else [measure_generation()]
            if counts.overlap:
                await asyncio.gather(*serve, *gen)
            else:
                for step in (*serve, *gen):
                    await step
                    _write(data, args)  # partial results survive a later failure

        asyncio.run(measure_all())
        data["meta"]["load_end"] = os.getloadavg()
        data["meta"]["seconds"] = time.perf_counter() - started
        failed = [r for r in data["generation"] if r.get("error")]
        for r in failed:
            data["notes"].append(
                f"generation: {r['command']} of {r['tools']} tools failed: {r['error'][-300:]}"
            )
        stale = [
            r
            for r in data["generation"]
            if r["command"] == "check" and r.get("status") == 1
        ]
        if stale:
            data["notes"].append(
                "check found stale files (the generator changed during the run?)"
            )
        if args.smoke:
            data["notes"].append(
                "Smoke run: counts far too small for the numbers to mean anything."
            )
        _write(data, args)
        _log(f"wrote {args.out} in {data['meta']['seconds']:.0f} s")
    finally:
        if args.keep:
            _log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0
