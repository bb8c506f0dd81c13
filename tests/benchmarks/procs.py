"""The machine, the compared servers, and their processes (CPU and memory from /proc)."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    from listening import owns_port  # under pytest: tests/ is on sys.path
except ImportError:  # python -m tests.benchmarks
    from tests.listening import owns_port

HERE = Path(__file__).resolve().parent
SERVERS_DIR = HERE / "servers"
HOST = "127.0.0.1"  # loopback only
FASTMCP_VENV = Path("/tmp/mcpmint-bench-fastmcp")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Roads: (name, transport subcommand, extra flags). http-2026: protocol 2026-07-28,
# one POST per request and no handshake, served in `--stateless` mode (the SDK
# answers that era the same way in every mode; mcpmint's opt-in kernel for it,
# MCPMINT_KERNEL_MODERN=1, runs only there).
ROADS = (
    "stdio",
    "http-stateful",
    "http-stateless",
    "http-json",
    "http-2026",
    "sse",
    "websocket",
)
HTTP_ROADS = ("http-stateful", "http-stateless", "http-json")
CONCURRENT_ROADS = (*HTTP_ROADS, "http-2026", "websocket")
SERVERS = ("generated", "lowlevel", "mcpserver", "fastmcp", "floor")
LABELS = {
    "generated": "mcpmint generated",
    "lowlevel": "SDK low-level Server",
    "mcpserver": "SDK MCPServer",
    "fastmcp": "FastMCP 4",
    "floor": "floor (no SDK)",
}
SUPPORTS = {
    "generated": set(ROADS),
    "lowlevel": {"stdio", *HTTP_ROADS, "http-2026", "sse"},
    "mcpserver": {"stdio", *HTTP_ROADS, "http-2026", "sse"},
    "fastmcp": {"stdio", *HTTP_ROADS, "sse"},
    "floor": {"stdio", *HTTP_ROADS, "http-2026", "websocket"},
}
_SCRIPTS = {
    "lowlevel": "lowlevel.py",
    "mcpserver": "mcpserver_app.py",
    "fastmcp": "fastmcp_app.py",
    "floor": "floor.py",
}


def fastmcp_python() -> str | None:
    """An interpreter with fastmcp 4: $MCPMINT_BENCH_FASTMCP_PYTHON (`none`: skip FastMCP),
    this one, or the venv `python -m tests.benchmarks.fastmcp_env` makes."""
    chosen = os.environ.get("MCPMINT_BENCH_FASTMCP_PYTHON")
    if chosen:
        return None if chosen == "none" else chosen
    if importlib.util.find_spec("fastmcp") is not None:
        return sys.executable
    candidate = FASTMCP_VENV / "bin" / "python"
    return str(candidate) if candidate.exists() else None


def road_flags(road: str) -> tuple[str, list[str]]:
    """The transport subcommand and flags of a road."""
    if road in ("http-stateless", "http-2026"):
        return "http", ["--stateless"]
    if road == "http-json":
        return "http", ["--json-response"]
    if road == "http-stateful":
        return "http", []
    return road, []


@dataclass
class Lineup:
    """Where each server's code and interpreter are."""

    generated_dir: Path
    python: str = sys.executable
    fastmcp: str | None = field(default_factory=fastmcp_python)
    env: dict[str, str] = field(default_factory=dict)  # added to every server's

    def available(self, server: str) -> str | None:
        """None if the server can run here, else why not."""
        if server == "fastmcp" and self.fastmcp is None:
            return "fastmcp not installed (python -m tests.benchmarks.fastmcp_env)"
        return None

    def command(
        self, server: str, road: str, port: int | None
    ) -> tuple[list[str], dict[str, str]]:
        """argv and environment of `server` serving `road`."""
        sub, flags = road_flags(road)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="0", **self.env)
        net = [] if port is None else ["--port", str(port)]
        if server == "generated":
            env["PYTHONPATH"] = str(self.generated_dir)
            argv = [self.python, "-m", "bench_server", sub, "--log-level", "warning"]
            if port is not None:
                argv += ["--grace-period", "1"]
            return argv + net + flags, env
        python = self.fastmcp if server == "fastmcp" else self.python
        assert python is not None
        return [python, str(SERVERS_DIR / _SCRIPTS[server]), sub, *net, *flags], env


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the harness dies, so no server outlives a crash."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (every thread), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", "rb") as handle:
        fields = handle.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM (peak resident set) of the process, in MiB."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


@dataclass
class ServerProcess:
    server: str
    road: str
    process: asyncio.subprocess.Process
    port: int | None
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""


async def spawn(
    lineup: Lineup, server: str, road: str, logs: Path, profile_to: Path | None = None
) -> ServerProcess:
    """Start `server` on `road`; network servers are waited for until they accept.

    With `profile_to`, the server runs under cProfile (CPU clock) and writes its stats there.
    """
    for attempt in range(3):
        proc = await _spawn_once(lineup, server, road, logs, profile_to)
        if proc.port is None or await _owns_listener(proc):
            return proc
        # Another test's server took the port between free_port() and the bind: this
        # one exited (or is about to) and the port answers for someone else. Again.
        await stop(proc)
    raise RuntimeError(f"{server} {road}: no free port after 3 attempts")


async def _spawn_once(
    lineup: Lineup, server: str, road: str, logs: Path, profile_to: Path | None
) -> ServerProcess:
    port = None if road == "stdio" else free_port()
    argv, env = lineup.command(server, road, port)
    if profile_to is not None:
        argv = [
            argv[0],
            str(SERVERS_DIR / "cpu_profiled.py"),
            str(profile_to),
            *argv[1:],
        ]
    log = logs / f"{server}-{road}.log"
    with open(log, "ab") as err:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=subprocess.PIPE if road == "stdio" else subprocess.DEVNULL,
            stdout=subprocess.PIPE if road == "stdio" else subprocess.DEVNULL,
            stderr=err,
            env=env,
            limit=1 << 22,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    proc = ServerProcess(server, road, process, port, log)
    if port is not None:
        await _wait_listening(proc, port)
    return proc


async def _owns_listener(proc: ServerProcess) -> bool:
    """Whether the socket listening on the server's port is the server's own."""
    for _ in range(20):  # a server that lost the race exits within a moment
        if proc.process.returncode is not None:
            return False
        if proc.port is not None and owns_port(proc.pid, proc.port):
            return True
        await asyncio.sleep(0.05)
    return False


async def _wait_listening(proc: ServerProcess, port: int, limit: float = 90.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.process.returncode is not None:
            raise RuntimeError(f"{proc.server} {proc.road} exited: {proc.log_tail()}")
        try:
            _, writer = await asyncio.open_connection(HOST, port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{proc.server} {proc.road} not listening after {limit} s")


async def stop(proc: ServerProcess) -> None:
    """End a server: close stdin (stdio) or SIGTERM, then SIGKILL after 10 s."""
    process = proc.process
    if process.returncode is None:
        if process.stdin is not None:
            process.stdin.close()
        else:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg": os.getloadavg(),
    }


def versions(python: str, packages: tuple[str, ...]) -> dict[str, str]:
    """Installed versions of `packages` in the interpreter `python`."""
    code = (
        "import importlib.metadata as m, json, sys\n"
        "out = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try: out[name] = m.version(name)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))"
    )
    import json

    done = subprocess.run(
        [python, "-c", code, *packages], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        return {}
    found: dict[str, str] = json.loads(done.stdout)
    return found
