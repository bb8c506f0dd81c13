"""Two stateless HTTP replicas behind nginx; one is killed (SIGKILL) mid-run, and the
clients' retries still get every call answered and matched.

nginx comes from the Debian package (`apt-get install -y nginx`); the test runs its own
nginx as a foreground process with a config in tmp_path on a free loopback port, and
stops it. nginx passes a request that could not reach a replica to the other one; a
request the dead replica had already received fails (502) and the client retries it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx2
from hardening_support import env_int, free_port, full_run, start_server, wait_until
from load_clients import http_load, run_clients

CLIENTS = 16
CALLS = env_int("MCPMINT_LOAD_CALLS", 1000 if full_run() else 50)
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
)

CONFIG = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream replicas {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=30s;
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_buffering off;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


def start_nginx(folder: Path, a: int, b: int) -> tuple[subprocess.Popen[bytes], int]:
    assert NGINX, "nginx is not installed: apt-get install -y nginx"
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    user = (
        "user root;" if os.geteuid() == 0 else ""
    )  # workers must reach the temp folders
    (folder / "nginx.conf").write_text(
        CONFIG.format(dir=folder, a=a, b=b, port=port, user=user)
    )
    command = [
        NGINX,
        "-p",
        str(folder),
        "-c",
        str(folder / "nginx.conf"),
        "-e",
        str(folder / "error.log"),
        "-g",
        "daemon off;",
    ]
    with (folder / "stderr.log").open("wb") as stderr:
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
        )

    def ready() -> bool:
        if proc.poll() is not None:
            return True
        try:
            return (
                httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code
                == 200
            )
        except httpx2.TransportError:
            return False

    wait_until(ready, 20, 0.05)
    if proc.poll() is not None:
        log = (folder / "stderr.log").read_text() + (folder / "error.log").read_text()
        raise AssertionError(
            f"nginx exited with status {proc.returncode}: {log[-2000:]}"
        )
    return proc, port


def stop_nginx(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGQUIT)  # graceful: finish requests, then exit
    try:
        return proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


def test_stateless_replicas_behind_nginx_survive_losing_one_midway(
    tmp_path: Path,
) -> None:
    first = start_server(tmp_path / "a", ["http", "--stateless"])
    second = start_server(tmp_path / "b", ["http", "--stateless"])
    nginx, nginx_status = None, None
    try:
        nginx, port = start_nginx(tmp_path / "nginx", first.port, second.port)
        done = 0
        kill_after = CLIENTS * CALLS // 3
        killed_at: list[float] = []

        def count() -> None:
            nonlocal done
            done += 1
            if done == kill_after:
                second.proc.kill()  # SIGKILL: no drain, calls in flight are lost
                killed_at.append(time.monotonic())

        one = http_load(f"http://127.0.0.1:{port}/mcp", CALLS, retries=5, on_call=count)
        tally = asyncio.run(asyncio.wait_for(run_clients(CLIENTS, one), 120 + CALLS))
        print(
            tally.summary(
                f"nginx + 2 stateless replicas, one killed after {kill_after} calls ({CLIENTS} x {CALLS})"
            )
        )
        assert killed_at, "the replica was never killed"
        assert second.proc.wait(timeout=10) == -signal.SIGKILL
        assert tally.errors == [], tally.errors[:10]
        assert tally.answered == CLIENTS * CALLS
    finally:
        if nginx is not None:
            nginx_status = stop_nginx(nginx)
        for replica in (first, second):
            if replica.proc.poll() is None:
                replica.stop()
    assert nginx_status == 0
    assert first.proc.returncode == 0, first.stderr()
