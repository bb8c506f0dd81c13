"""Where a server's CPU goes per call, while a light client calls it.

    python -m tests.benchmarks.profile_server --server generated --road stdio --tool search
    python -m tests.benchmarks.profile_server --road http-json --clients 16

`--profiler cprofile` (default) runs the server under cProfile with a CPU-time clock
(deterministic, inflates tiny functions, but counts CPU only); `--profiler py-spy`
samples it (needs py-spy; it counts a preempted thread as busy, so on a loaded machine
the syscalls that wake the client look expensive). Prints own time by package (ours,
the SDK, anyio, pydantic, ...) and the hottest functions by own and inclusive time.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import serving
from .clients import Session, StdioSession, initialize
from .procs import ROADS, SERVERS, Lineup, ServerProcess, spawn, stop
from .run import generate_bench_server, snapshot_generator

# Package of a frame, from its file path; first match wins.
_PACKAGES = (
    ("/mcpmint_runtime/transports/", "mcpmint_runtime transports"),
    ("/mcpmint_runtime/", "mcpmint_runtime"),
    ("bench_server/", "generated server"),
    ("benchmarks/servers/", "hand-written server"),
    ("/mcp/server/", "mcp.server"),
    ("/mcp/shared/", "mcp.shared"),
    ("/mcp_types/", "mcp_types"),
    ("/mcp/", "mcp (other)"),
    ("/fastmcp/", "fastmcp"),
    ("/anyio/", "anyio"),
    ("/asyncio/", "asyncio"),
    ("/pydantic_core/", "pydantic"),
    ("/pydantic/", "pydantic"),
    ("/starlette/", "starlette"),
    ("/sse_starlette/", "sse-starlette"),
    ("/uvicorn/", "uvicorn"),
    ("/websockets/", "websockets"),
    ("/opentelemetry/", "opentelemetry"),
    ("/logging/", "logging"),
    ("/json/", "json"),
    ("/contextlib.py", "contextlib"),
    ("/typing.py", "typing"),
)


def package_of(frame: str) -> str:
    for needle, name in _PACKAGES:
        if needle in frame:
            return name
    return "other"


def summarise(raw: Path, top: int) -> str:
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    packages: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[frames[-1]] += count
        packages[package_of(frames[-1])] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return "no samples"
    lines = [f"{total} samples", "", "own time by package:"]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in packages.most_common()]
    lines += ["", "own time by function:"]
    lines += [f"  {n / total:6.1%}  {frame}" for frame, n in own.most_common(top)]
    lines += ["", "inclusive time by function:"]
    lines += [f"  {n / total:6.1%}  {frame}" for frame, n in inclusive.most_common(top)]
    return "\n".join(lines)


def summarise_cprofile(stats_path: Path, calls: int, top: int) -> str:
    stats = pstats.Stats(str(stats_path))
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in entries.values())
    packages: collections.Counter[str] = collections.Counter()
    for (filename, _, _), (_, _, tt, _, _) in entries.items():
        packages[package_of(filename)] += tt
    per_call = f", {total / calls * 1e6:.0f} µs per call (profiled)" if calls else ""
    lines = [
        f"{total:.2f} s CPU under the profiler{per_call}",
        "",
        "own time by package:",
    ]
    lines += [f"  {t / total:6.1%}  {name}" for name, t in packages.most_common()]

    def label(key: tuple[str, int, str]) -> str:
        filename, line, name = key
        return f"{name} ({filename}:{line})"

    by_own = sorted(entries.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    lines += ["", "own time by function:"]
    lines += [f"  {v[2] / total:6.1%}  {v[1]:>8} calls  {label(k)}" for k, v in by_own]
    by_cum = sorted(entries.items(), key=lambda kv: kv[1][3], reverse=True)[:top]
    lines += ["", "inclusive time by function:"]
    lines += [f"  {v[3] / total:6.1%}  {v[1]:>8} calls  {label(k)}" for k, v in by_cum]
    return "\n".join(lines)


async def _session(proc: ServerProcess, road: str) -> Session:
    if road == "stdio":
        session = StdioSession(proc.process)
        await initialize(session)
        return session
    return await serving.open_session(proc)


def _lineup(args: argparse.Namespace, work: Path) -> Lineup:
    if args.copy is not None:  # a generated project, e.g. one ab.py's B would run
        return Lineup(args.copy.resolve())
    return Lineup(generate_bench_server(work, snapshot_generator(work)))


async def profile_cprofile(args: argparse.Namespace, work: Path) -> tuple[Path, int]:
    lineup = _lineup(args, work)
    stats = work / "profile.pstats"
    proc = await spawn(lineup, args.server, args.road, work, profile_to=stats)
    calls = 0
    try:
        sessions = [await _session(proc, args.road) for _ in range(args.clients)]
        for _ in range(200):  # warm up, then profile
            await asyncio.gather(*(serving.call(s, args.tool) for s in sessions))
        proc.process.send_signal(signal.SIGUSR1)
        await serving.call(sessions[0], args.tool)
        deadline = time.monotonic() + args.seconds

        async def client(session: Session) -> None:
            nonlocal calls
            while calls < args.max_calls and time.monotonic() < deadline:
                calls += 1
                await serving.call(session, args.tool)

        await asyncio.gather(*(client(s) for s in sessions))
        for session in sessions:
            await session.close()
        proc.process.send_signal(signal.SIGUSR2)
        for _ in range(600):  # at most a minute for the stats to be written
            if stats.exists():
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
    finally:
        await stop(proc)
    return stats, calls


async def profile(args: argparse.Namespace, work: Path) -> Path:
    lineup = _lineup(args, work)
    proc = await spawn(lineup, args.server, args.road, work)
    raw = work / "profile.txt"
    try:
        session = await _session(proc, args.road)
        for _ in range(200):  # warm up
            await serving.call(session, args.tool)
        spy = subprocess.Popen(
            [args.py_spy, "record", "--pid", str(proc.pid), "--rate", str(args.rate), "--duration", str(args.seconds),
             "--format", "raw", "--output", str(raw), "--full-filenames"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + args.seconds + 5
        calls = 0
        while spy.poll() is None and time.monotonic() < deadline:
            await serving.call(session, args.tool)
            calls += 1
        spy.wait(timeout=60)
        print(f"{calls} calls during the profile", file=sys.stderr)
        await session.close()
    finally:
        await stop(proc)
    return raw


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.profile_server", description=__doc__
    )
    parser.add_argument("--server", choices=SERVERS, default="generated")
    parser.add_argument("--road", choices=ROADS, default="stdio")
    parser.add_argument("--tool", choices=serving.TOOLS, default="search")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rate", type=int, default=1000, help="samples per second")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--max-calls", type=int, default=20000)
    parser.add_argument(
        "--clients", type=int, default=1, help="concurrent sessions (cProfile only)"
    )
    parser.add_argument(
        "--copy", type=Path, help="profile this generated project instead"
    )
    parser.add_argument(
        "--profiler", choices=("cprofile", "py-spy"), default="cprofile"
    )
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or "py-spy")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mcpmint-profile-"))
    try:
        if args.profiler == "cprofile":
            stats, calls = asyncio.run(profile_cprofile(args, work))
            print(f"{args.server} on {args.road}, {args.tool}: {calls} calls")
            print(summarise_cprofile(stats, calls, args.top))
        else:
            raw = asyncio.run(profile(args, work))
            print(summarise(raw, args.top))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
