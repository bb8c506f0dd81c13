"""Whether the socket listening on a port belongs to a given process (Linux, from /proc).

A test picks a free port and then starts a server on it; a test running in parallel can
take the port in between. The server that loses exits, and a readiness probe would reach
the winner: a test talking to another test's server. Readiness checks therefore also ask
whether the listener is the started process's own, and start again on another port if not.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

import httpx2

# What uvicorn writes when the port is taken.
PORT_TAKEN = ("Errno 98", "address already in use")


def listening_socket(port: int) -> str | None:
    """`socket:[inode]` of the TCP socket in LISTEN state on `port`, if any."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                return f"socket:[{fields[9]}]"
    return None


def open_files(pid: int) -> set[str] | None:
    """What each open file descriptor of `pid` points to (`socket:[inode]` for sockets):
    nothing for a process that is gone; None where /proc has no file tables at all."""
    found: set[str] = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return found if os.path.isdir("/proc/self/fd") else None
    for fd in fds:
        try:
            found.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:  # closed meanwhile
            pass
    return found


def owns_port(pid: int, port: int) -> bool:
    """Whether `pid` holds the socket listening on `port`.

    False when /proc shows a listener there that `pid` does not hold (a process that
    exited holds nothing). Where /proc has no TCP table or no file tables at all, the
    answer is True, as it was before this check existed: the callers also watch whether
    the process is still running.
    """
    socket = listening_socket(port)
    files = open_files(pid)
    if socket is None or files is None:
        return True
    return socket in files


def port_taken(log: str) -> bool:
    """Whether a server's stderr says its port was taken."""
    return any(mark in log for mark in PORT_TAKEN)


def wait_ready(
    proc: subprocess.Popen[bytes], port: int, stderr: Callable[[], str], timeout: float
) -> None:
    """Poll the server's /healthz until it answers from its own listener; fail if the
    process exits first or `timeout` seconds pass (with its stderr)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early:\n{stderr()}")
        try:
            url = f"http://127.0.0.1:{port}/healthz"
            answered = httpx2.get(url, timeout=1).status_code
        except httpx2.TransportError:
            answered = None
        if answered == 200 and owns_port(proc.pid, port):
            return
        time.sleep(0.05)
    raise AssertionError(f"server not ready:\n{stderr()}")


class Startable(Protocol):
    def wait_ready(self) -> None: ...


S = TypeVar("S", bound=Startable)


def ready(server: S, restart: Callable[[], S]) -> S:
    """`server` once ready; started again by `restart` (on another port) if another
    test took its port first, up to 3 times."""
    for attempt in range(3):
        try:
            server.wait_ready()
            return server
        except AssertionError as exc:
            if attempt == 2 or not port_taken(str(exc)):
                raise
            server = restart()
    raise AssertionError("unreachable")
