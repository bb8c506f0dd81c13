"""Serving measurements: interleaved rounds per road, concurrency, cold start.

Within a road every round visits the servers in turn (the starting server rotates), so
the machine's drift and the other engineers' load fall on all of them alike.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clients import (
    CallError,
    ModernHttpSession,
    Session,
    SseSession,
    StdioSession,
    StreamableHttpSession,
    WebSocketSession,
    initialize,
    result_of,
)
from .procs import (
    CONCURRENT_ROADS,
    HOST,
    SERVERS,
    SUPPORTS,
    Lineup,
    ServerProcess,
    peak_rss_mib,
    spawn,
    stop,
)

TOOLS = ("echo", "search")
ECHO_ARGS = {"text": "The quick brown fox jumps over the lazy dog, twice: 0123456789."}
SEARCH_ARGS = {
    "query": "streamable http",
    "filters": {
        "tags": ["python", "sdk"],
        "min_score": 0.5,
        "date_range": {"start": "2026-01-01", "end": "2026-12-31"},
    },
    "limit": 5,
    "sort": "relevance",
}
ARGS = {"echo": ECHO_ARGS, "search": SEARCH_ARGS}


@dataclass(frozen=True)
class Counts:
    """How much to measure; every loop is bounded by a count and a time."""

    rounds: int = 5
    calls: int = 800  # per single-client batch
    warmup: int = 50
    concurrent_calls: int = 1600  # per 16-client batch, all clients together
    clients: int = 16
    cold_starts: int = 8
    batch_seconds: float = 30.0  # a batch stops early past this
    cold_warmup: bool = (
        True  # one unmeasured start per server first (fills .pyc and page caches)
    )
    overlap: bool = (
        False  # smoke only: roads and generation run at once (numbers meaningless)
    )


SMOKE = Counts(
    rounds=1,
    calls=20,
    warmup=3,
    concurrent_calls=48,
    clients=16,
    cold_starts=1,
    batch_seconds=10.0,
    cold_warmup=False,
    overlap=True,
)


@dataclass
class Batch:
    """One measured batch of one cell."""

    calls: int
    errors: int
    seconds: float
    cpu_seconds: float
    latencies_ms: list[float] = field(repr=False)
    first_error: str | None = None

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        done = max(self.calls - self.errors, 0)
        return {
            "calls": self.calls,
            "errors": self.errors,
            "first_error": self.first_error,
            "p50_ms": _quantile(lat, 0.50),
            "p99_ms": _quantile(lat, 0.99),
            "calls_per_s": done / self.seconds if self.seconds > 0 else None,
            "cpu_us_per_call": self.cpu_seconds * 1e6 / done if done else None,
        }


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[index]


def check(tool: str, reply: dict[str, Any]) -> None:
    """Raise CallError unless `reply` is the right answer to the benchmark's call."""
    result = result_of(reply)
    if result.get("isError"):
        raise CallError(f"tool error: {result.get('content')}")
    if tool == "echo":
        if result["content"][0]["text"] != ECHO_ARGS["text"]:
            raise CallError("echo answered another text")
        return
    data = result.get("structuredContent") or {}
    if data.get("total") != 5 or len(data.get("hits", ())) != 5:
        raise CallError(f"search answered {str(data)[:200]}")


async def call(session: Session, tool: str) -> None:
    check(
        tool,
        await session.request("tools/call", {"name": tool, "arguments": ARGS[tool]}),
    )


async def open_session(proc: ServerProcess) -> Session:
    """A new initialized session with a network server (2026-07-28: a client)."""
    assert proc.port is not None
    session: Session
    if proc.road == "sse":
        sse = SseSession(HOST, proc.port)
        await sse.connect()
        session = sse
    elif proc.road == "websocket":
        ws = WebSocketSession(f"ws://{HOST}:{proc.port}/ws")
        await ws.connect()
        session = ws
    elif proc.road == "http-2026":
        return ModernHttpSession(HOST, proc.port)  # no handshake in that era
    else:
        session = StreamableHttpSession(HOST, proc.port)
    await initialize(session)
    return session


async def single_batch(
    session: Session, proc: ServerProcess, tool: str, counts: Counts
) -> Batch:
    """`counts.calls` sequential calls from one client, timed one by one."""
    for _ in range(counts.warmup):
        await call(session, tool)
    latencies: list[float] = []
    errors, first_error = 0, None
    cpu0, t0 = proc.cpu(), time.perf_counter()
    deadline = t0 + counts.batch_seconds
    calls = 0
    while calls < counts.calls and time.perf_counter() < deadline:
        calls += 1
        start = time.perf_counter()
        try:
            await call(session, tool)
        except (TimeoutError, CallError, OSError, ValueError, KeyError) as exc:
            errors += 1
            first_error = first_error or repr(exc)[:300]
            continue
        latencies.append((time.perf_counter() - start) * 1000)
    seconds = time.perf_counter() - t0
    return Batch(calls, errors, seconds, proc.cpu() - cpu0, latencies, first_error)


async def concurrent_batch(proc: ServerProcess, tool: str, counts: Counts) -> Batch:
    """`counts.clients` clients, each on its own session, sharing `concurrent_calls`."""
    sessions = await asyncio.gather(
        *(open_session(proc) for _ in range(counts.clients))
    )
    try:
        await asyncio.gather(*(call(s, tool) for s in sessions))  # warm every session
        remaining = counts.concurrent_calls
        latencies: list[float] = []
        errors: list[str] = []
        cpu0, t0 = proc.cpu(), time.perf_counter()
        deadline = t0 + counts.batch_seconds

        async def client(session: Session) -> int:
            nonlocal remaining
            made = 0
            while remaining > 0 and time.perf_counter() < deadline:
                remaining -= 1
                made += 1
                start = time.perf_counter()
                try:
                    await call(session, tool)
                except (TimeoutError, CallError, OSError, ValueError, KeyError) as exc:
                    errors.append(repr(exc)[:300])
                    continue
                latencies.append((time.perf_counter() - start) * 1000)
            return made

        made = await asyncio.gather(*(client(s) for s in sessions))
        seconds = time.perf_counter() - t0
        cpu = proc.cpu() - cpu0
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    first = errors[0] if errors else None
    return Batch(sum(made), len(errors), seconds, cpu, latencies, first)


Record = dict[str, Any]


async def measure_road(
    road: str,
    lineup: Lineup,
    counts: Counts,
    logs: Path,
    report: Callable[[str], None],
) -> tuple[list[Record], dict[str, float | None]]:
    """Every batch of one road, servers interleaved; and each server's peak RSS."""
    servers = [
        s for s in SERVERS if road in SUPPORTS[s] and lineup.available(s) is None
    ]
    started = await asyncio.gather(
        *(spawn(lineup, s, road, logs) for s in servers), return_exceptions=True
    )
    procs: dict[str, ServerProcess] = {}
    broken: dict[
        str, str
    ] = {}  # server → why it cannot be measured; its batches are errors
    for server, outcome in zip(servers, started, strict=True):
        if isinstance(outcome, BaseException):
            broken[server] = repr(outcome)[:300]
        else:
            procs[server] = outcome
    records: list[Record] = []
    stdio_sessions: dict[str, Session] = {}
    try:
        if road == "stdio":
            for server, proc in procs.items():
                session = StdioSession(proc.process)
                try:
                    await initialize(session)
                    stdio_sessions[server] = session
                except (TimeoutError, CallError, OSError, ValueError) as exc:
                    broken[server] = f"initialize failed: {exc!r}: {proc.log_tail()}"[
                        :600
                    ]
        for round_index in range(counts.rounds):
            order = (
                servers[round_index % len(servers) :]
                + servers[: round_index % len(servers)]
            )
            modes = (
                ("single", "concurrent") if road in CONCURRENT_ROADS else ("single",)
            )
            for mode in modes:
                for tool in TOOLS:
                    for server in order:
                        if server in broken:
                            batch = Batch(1, 1, 0.0, 0.0, [], broken[server])
                        elif mode == "single":
                            stdio = stdio_sessions.get(server)
                            batch = await _guarded(
                                _single(procs[server], stdio, tool, counts)
                            )
                        else:
                            batch = await _guarded(
                                concurrent_batch(procs[server], tool, counts)
                            )
                        records.append(
                            _record(mode, road, tool, server, round_index, batch)
                        )
            report(f"  {road}: round {round_index + 1}/{counts.rounds} done")
        rss = {server: peak_rss_mib(proc.pid) for server, proc in procs.items()}
    finally:
        for session in stdio_sessions.values():
            await session.close()
        await asyncio.gather(*(stop(p) for p in procs.values()))
    for server, proc in procs.items():
        if proc.process.returncode not in (0, -15, None):
            report(f"  note: {server} on {road} exited with {proc.process.returncode}")
    return records, rss


async def _single(
    proc: ServerProcess, stdio: Session | None, tool: str, counts: Counts
) -> Batch:
    if stdio is not None:
        return await single_batch(stdio, proc, tool, counts)
    session = await open_session(proc)
    try:
        return await single_batch(session, proc, tool, counts)
    finally:
        await session.close()


async def _guarded(batch: Awaitable[Batch]) -> Batch:
    """A batch that could not even start counts as one error, not as a crash."""
    try:
        return await batch
    except (CallError, OSError, TimeoutError, ValueError, KeyError) as exc:
        return Batch(1, 1, 0.0, 0.0, [], repr(exc)[:300])


def _record(
    mode: str, road: str, tool: str, server: str, round_index: int, batch: Batch
) -> Record:
    return {
        "mode": mode,
        "road": road,
        "tool": tool,
        "server": server,
        "round": round_index,
        **batch.summary(),
    }


async def cold_starts(lineup: Lineup, counts: Counts, logs: Path) -> list[Record]:
    """Spawn → answered `initialize` over stdio, servers interleaved; one unmeasured start each first."""
    servers = [s for s in SERVERS if lineup.available(s) is None]
    records: list[Record] = []
    first = 1 if counts.cold_warmup else 0
    for rep in range(1 - first, counts.cold_starts + 1):
        order = servers[rep % len(servers) :] + servers[: rep % len(servers)]
        for server in order:
            try:
                seconds, rss = await _cold_start(lineup, server, logs)
                record = {
                    "server": server,
                    "rep": rep,
                    "seconds": seconds,
                    "rss_mib": rss,
                    "error": None,
                }
            except (TimeoutError, CallError, OSError, ValueError, RuntimeError) as exc:
                record = {
                    "server": server,
                    "rep": rep,
                    "seconds": None,
                    "rss_mib": None,
                    "error": repr(exc)[:300],
                }
            if rep > 0:  # rep 0 fills caches (.pyc, page cache)
                records.append(record)
    return records


async def _cold_start(
    lineup: Lineup, server: str, logs: Path
) -> tuple[float, float | None]:
    start = time.perf_counter()
    proc = await spawn(lineup, server, "stdio", logs)
    try:
        session = StdioSession(proc.process)
        await initialize(session)
        seconds = time.perf_counter() - start
        rss = peak_rss_mib(proc.pid)
    finally:
        await stop(proc)
    return seconds, rss


def median_or_none(values: list[float]) -> float | None:
    return statistics.median(values) if values else None
