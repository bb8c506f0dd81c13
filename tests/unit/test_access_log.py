"""docs/benchmarks.md: a generated server writes uvicorn's access log (a line per HTTP
request) only at `--log-level debug`, not at the default `info`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEATHER = ROOT / "generated_examples" / "weather"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(("level", "logged"), [("info", False), ("debug", True)])
def test_the_access_log_is_on_only_at_debug(level: str, logged: bool) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(WEATHER), "WEATHER_TOKEN": "t0ken"}
    command = [sys.executable, "-m", "weather_server", "http", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--log-level", level],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as answer:
                    assert answer.status == 200
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert ('"GET /healthz HTTP/1.1" 200' in err) is logged, err
