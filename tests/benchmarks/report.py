"""Tables and targets from the raw records: medians with min–max, ratios, met / not met."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any

from .procs import CONCURRENT_ROADS, LABELS, ROADS, SERVERS, SUPPORTS
from .serving import TOOLS

Record = dict[str, Any]
GEN_COMMANDS = (
    "generate",
    "regenerate (one tool edited)",
    "regenerate (no-op)",
    "check",
    "datamodel-codegen",
)


def _values(records: Iterable[Record], key: str) -> list[float]:
    return [r[key] for r in records if r.get(key) is not None]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def spread(values: list[float], digits: int = 2) -> str:
    """`median (min–max)`; `–` when there is nothing."""
    if not values:
        return "–"
    mid = statistics.median(values)
    if len(values) == 1:
        return f"{mid:.{digits}f}"
    return f"{mid:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


class Results:
    """The records of one run, indexed by cell."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.cells: dict[tuple[str, str, str, str], list[Record]] = {}
        for record in data.get("serving", []):
            key = (record["mode"], record["road"], record["tool"], record["server"])
            self.cells.setdefault(key, []).append(record)
        self.unavailable: dict[str, str] = data.get("unavailable", {})

    def med(
        self, mode: str, road: str, tool: str, server: str, key: str
    ) -> float | None:
        return median(_values(self.cells.get((mode, road, tool, server), []), key))

    def errors(self, mode: str, road: str, tool: str, server: str) -> int:
        return sum(r["errors"] for r in self.cells.get((mode, road, tool, server), []))

    def rows(self, mode: str) -> list[tuple[str, str, str]]:
        """Every (road, tool, server) the matrix holds for `mode`, measured or not."""
        roads = ROADS if mode == "single" else CONCURRENT_ROADS
        return [
            (road, tool, server)
            for road in roads
            for tool in TOOLS
            for server in SERVERS
            if road in SUPPORTS[server]
        ]


def single_table(res: Results) -> list[str]:
    lines = [
        "| road | tool | server | p50 ms | p99 ms | calls/s | server CPU µs/call | CPU vs low-level | CPU vs floor | p50 vs low-level | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for road, tool, server in res.rows("single"):
        cell = res.cells.get(("single", road, tool, server), [])
        if not cell:
            reason = res.unavailable.get(server, "not measured")
            lines.append(
                f"| {road} | {tool} | {LABELS[server]} | n/a: {reason} | | | | | | | |"
            )
            continue
        cpu = res.med("single", road, tool, server, "cpu_us_per_call")
        p50 = res.med("single", road, tool, server, "p50_ms")
        lines.append(
            f"| {road} | {tool} | {LABELS[server]} | {spread(_values(cell, 'p50_ms'), 3)} | "
            f"{spread(_values(cell, 'p99_ms'), 3)} | {spread(_values(cell, 'calls_per_s'), 0)} | "
            f"{spread(_values(cell, 'cpu_us_per_call'), 0)} | "
            f"{ratio(cpu, res.med('single', road, tool, 'lowlevel', 'cpu_us_per_call'))} | "
            f"{ratio(cpu, res.med('single', road, tool, 'floor', 'cpu_us_per_call'))} | "
            f"{ratio(p50, res.med('single', road, tool, 'lowlevel', 'p50_ms'))} | "
            f"{res.errors('single', road, tool, server)} |"
        )
    return lines


def concurrent_table(res: Results, clients: int) -> list[str]:
    lines = [
        f"| road | tool | server | calls/s ({clients} clients) | server CPU µs/call | p50 ms | calls/s vs low-level | calls/s vs FastMCP | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for road, tool, server in res.rows("concurrent"):
        cell = res.cells.get(("concurrent", road, tool, server), [])
        if not cell:
            reason = res.unavailable.get(server, "not measured")
            lines.append(
                f"| {road} | {tool} | {LABELS[server]} | n/a: {reason} | | | | | |"
            )
            continue
        rate = res.med("concurrent", road, tool, server, "calls_per_s")
        lines.append(
            f"| {road} | {tool} | {LABELS[server]} | {spread(_values(cell, 'calls_per_s'), 0)} | "
            f"{spread(_values(cell, 'cpu_us_per_call'), 0)} | {spread(_values(cell, 'p50_ms'), 2)} | "
            f"{ratio(rate, res.med('concurrent', road, tool, 'lowlevel', 'calls_per_s'))} | "
            f"{ratio(rate, res.med('concurrent', road, tool, 'fastmcp', 'calls_per_s'))} | "
            f"{res.errors('concurrent', road, tool, server)} |"
        )
    return lines


def cold_table(res: Results) -> list[str]:
    records = res.data.get("cold_start", [])
    base = median(
        [
            r["seconds"] * 1000
            for r in records
            if r["server"] == "lowlevel" and r["seconds"]
        ]
    )
    lines = [
        "| server | spawn → initialize answered, ms | vs low-level | RSS after initialize, MiB | errors |",
        "| --- | --- | --- | --- | --- |",
    ]
    for server in SERVERS:
        mine = [r for r in records if r["server"] == server]
        if not mine:
            reason = res.unavailable.get(server, "not measured")
            lines.append(f"| {LABELS[server]} | n/a: {reason} | | | |")
            continue
        ms = [r["seconds"] * 1000 for r in mine if r["seconds"] is not None]
        errors = sum(1 for r in mine if r["error"])
        lines.append(
            f"| {LABELS[server]} | {spread(ms, 0)} | {ratio(median(ms), base)} | "
            f"{spread(_values(mine, 'rss_mib'), 1)} | {errors} |"
        )
    return lines


def rss_table(res: Results) -> list[str]:
    peaks: dict[str, dict[str, float | None]] = res.data.get("peak_rss_mib", {})
    lines = [
        "| server | " + " | ".join(ROADS) + " |",
        "| --- |" + " --- |" * len(ROADS),
    ]
    for server in SERVERS:
        cells = []
        for road in ROADS:
            value = peaks.get(road, {}).get(server)
            cells.append("–" if value is None else f"{value:.1f}")
        lines.append(f"| {LABELS[server]} | " + " | ".join(cells) + " |")
    return lines


def generation_table(res: Results) -> list[str]:
    records = res.data.get("generation", [])
    sizes = sorted({r["tools"] for r in records})
    lines = [
        "| tools | " + " | ".join(GEN_COMMANDS) + " |",
        "| --- |" + " --- |" * len(GEN_COMMANDS),
    ]
    for size in sizes:
        cells = []
        for command in GEN_COMMANDS:
            values = [
                r["seconds"]
                for r in records
                if r["tools"] == size
                and r["command"] == command
                and r["seconds"] is not None
            ]
            cells.append(spread(values, 2) + (" s" if values else ""))
        lines.append(f"| {size} | " + " | ".join(cells) + " |")
    return lines


# ------------------------------------------------------------------------------------
# Targets


def _gen_seconds(res: Results, size: int, command: str) -> float | None:
    return median(
        [
            r["seconds"]
            for r in res.data.get("generation", [])
            if r["tools"] == size
            and r["command"] == command
            and r["seconds"] is not None
        ]
    )


def targets(res: Results) -> list[dict[str, Any]]:
    """Each target with the measured ratios and whether it is met (None: not measured)."""
    out: list[dict[str, Any]] = []

    def add(
        name: str,
        pairs: list[tuple[str, float | None]],
        limit: float,
        higher_is_better: bool = False,
    ) -> None:
        known = [(label, v) for label, v in pairs if v is not None]
        if not known:
            out.append({"target": name, "measured": "not measured", "met": None})
            return
        ok = all((v >= limit) if higher_is_better else (v <= limit) for _, v in known)
        text = ", ".join(f"{label} {v:.2f}" for label, v in known)
        out.append({"target": name, "measured": text, "met": ok})

    def rel(mode: str, road: str, tool: str, key: str, other: str) -> float | None:
        a, b = (
            res.med(mode, road, tool, "generated", key),
            res.med(mode, road, tool, other, key),
        )
        return None if a is None or not b else a / b

    add(
        "server CPU/call ≤ 0.8× low-level on stdio",
        [
            (f"stdio {t}", rel("single", "stdio", t, "cpu_us_per_call", "lowlevel"))
            for t in TOOLS
        ],
        0.8,
    )
    # The network roads of the SDK's servers: every HTTP mode, 2026-07-28, SSE.
    others = [r for r in ROADS if r != "stdio" and r in SUPPORTS["lowlevel"]]
    pairs = [
        (f"{r} {t}", rel("single", r, t, "cpu_us_per_call", "lowlevel"))
        for r in others
        for t in TOOLS
    ]
    pairs += [
        (f"{r} {t} ×16", rel("concurrent", r, t, "cpu_us_per_call", "lowlevel"))
        for r in others
        if r in CONCURRENT_ROADS
        for t in TOOLS
    ]
    add("server CPU/call ≤ 0.6× low-level on HTTP and SSE", pairs, 0.6)
    http = [r for r in CONCURRENT_ROADS if r.startswith("http")]
    for other, limit in (("lowlevel", 1.5), ("fastmcp", 2.0)):
        add(
            f"16 clients: calls/s ≥ {limit:g}× {LABELS[other]} on every HTTP mode",
            [
                (f"{r} {t}", rel("concurrent", r, t, "calls_per_s", other))
                for r in http
                if r in SUPPORTS[other]
                for t in TOOLS
            ],
            limit,
            higher_is_better=True,
        )
    add(
        "p50 ≤ 0.8× low-level everywhere",
        [
            (f"{r} {t}", rel("single", r, t, "p50_ms", "lowlevel"))
            for r in ROADS
            if r in SUPPORTS["lowlevel"]
            for t in TOOLS
        ],
        0.8,
    )
    add(
        "stdio and WebSocket: server CPU/call ≤ 3× the floor's",
        [
            (f"{r} {t}", rel("single", r, t, "cpu_us_per_call", "floor"))
            for r in ("stdio", "websocket")
            for t in TOOLS
        ],
        3.0,
    )
    cold = res.data.get("cold_start", [])
    gen_cold = median(
        [r["seconds"] for r in cold if r["server"] == "generated" and r["seconds"]]
    )
    ll_cold = median(
        [r["seconds"] for r in cold if r["server"] == "lowlevel" and r["seconds"]]
    )
    add(
        "cold start ≤ 0.8× low-level",
        [
            (
                "generated / low-level",
                None if gen_cold is None or not ll_cold else gen_cold / ll_cold,
            )
        ],
        0.8,
    )
    peaks: dict[str, dict[str, float | None]] = res.data.get("peak_rss_mib", {})
    rss = []
    for road in ROADS:
        mine, theirs = (peaks.get(road, {}).get(s) for s in ("generated", "lowlevel"))
        if mine is not None and theirs:
            rss.append((road, mine / theirs))
    add("peak memory ≤ the low-level server's on every road", rss, 1.0)
    add(
        "generate 100 tools ≤ 3 s",
        [("seconds", _gen_seconds(res, 100, "generate"))],
        3.0,
    )
    add(
        "generate 300 tools ≤ 8 s",
        [("seconds", _gen_seconds(res, 300, "generate"))],
        8.0,
    )
    add(
        "one tool edited in a 100-tool spec ≤ 1 s",
        [("seconds", _gen_seconds(res, 100, "regenerate (one tool edited)"))],
        1.0,
    )
    add(
        "no-op regenerate and check of 100 tools ≤ 0.5 s",
        [
            ("no-op s", _gen_seconds(res, 100, "regenerate (no-op)")),
            ("check s", _gen_seconds(res, 100, "check")),
        ],
        0.5,
    )
    return out


def targets_table(res: Results) -> list[str]:
    lines = [
        "| target | measured (generated ÷ other, medians) | met |",
        "| --- | --- | --- |",
    ]
    for t in targets(res):
        verdict = {True: "met", False: "**not met**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {t['measured']} | {verdict} |")
    return lines


def markdown(data: dict[str, Any]) -> str:
    """The whole results page."""
    res = Results(data)
    meta = data["meta"]
    m = meta["machine"]
    counts = meta["counts"]
    out = [
        "# mcpmint benchmark results",
        "",
        f"Reproduce: `{meta['command']}` (from the repository root).",
        "",
        f"- Machine: {m['nproc']} CPUs ({m['usable_cpus']} usable), {m['cpu_model']}; Python {m['python']}; {m['platform']}",
        f"- Load average (1/5/15 min): at start {_load(meta['load_start'])}, at end {_load(meta['load_end'])}"
        " — other work shares this machine; compare ratios measured side by side, not absolute times",
        f"- Versions: {', '.join(f'{k} {v}' for k, v in sorted(meta['versions'].items()))}",
        f"- FastMCP interpreter: {meta.get('fastmcp_python') or 'none'}"
        + (
            f" ({', '.join(f'{k} {v}' for k, v in sorted(meta.get('fastmcp_versions', {}).items()))})"
            if meta.get("fastmcp_versions")
            else ""
        ),
        f"- mcpmint commit: {meta.get('git', 'unknown')}",
        f"- Counts: {counts['rounds']} rounds; per single-client batch {counts['calls']} calls after {counts['warmup']} warm-up;"
        f" per concurrent batch {counts['concurrent_calls']} calls over {counts['clients']} clients;"
        f" {counts['cold_starts']} cold starts per server; generation {meta.get('gen_reps', 0)} reps",
        f"- Wall time of the run: {meta.get('seconds', 0):.0f} s",
        "",
        "Cells are `median (min–max)` over rounds; ratios divide medians. Server CPU per call is the",
        "server process's utime+stime delta (/proc/<pid>/stat, all threads) over a measured batch",
        "divided by its calls. Clients are light (raw JSON-RPC over pipes, raw keep-alive HTTP/1.1,",
        "raw `websockets` without compression), after a real `initialize` handshake (2025-11-25).",
        "",
        "## Targets",
        "",
        *targets_table(res),
        "",
        "## One client, calls in sequence",
        "",
        *single_table(res),
        "",
        f"## {counts['clients']} concurrent clients (one session each)",
        "",
        *concurrent_table(res, counts["clients"]),
        "",
        "## Cold start (stdio)",
        "",
        *cold_table(res),
        "",
        "## Peak RSS of the server process over the whole road, MiB",
        "",
        *rss_table(res),
        "",
        "## Generation (each command a fresh process)",
        "",
        "`generate` starts from an empty output folder and an empty black cache; `regenerate (one",
        "tool edited)` follows a change to one tool's description (the save-time case); the no-op",
        "regenerate and `check` follow an unchanged spec. datamodel-code-generator gets the same",
        "schemas as one JSON Schema document, `--formatters builtin`.",
        "",
        *generation_table(res),
        "",
    ]
    if data.get("notes"):
        out += ["## Notes", "", *[f"- {n}" for n in data["notes"]], ""]
    return "\n".join(out)


def _load(load: Iterable[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)
