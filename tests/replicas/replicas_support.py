"""Helpers of tests/replicas: replicas of one generated server, nginx, redis-server.

redis-server and nginx come from Debian (`apt-get install -y nginx redis-server`):
each runs in the foreground on a free loopback port with its files in a temporary
folder, and is stopped after the module. The generated server `relay_server` has
tools that announce changes (`touch`, `grow`), say which replica answered
(`whoami`, from the variable REPLICA) and ask the user (`ask_name`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx2

from listening import wait_ready

PYTHON = sys.executable
PACKAGE = "relay_server"
REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "docs" / "nginx" / "mcp-sessions.conf"
KEY = "r" * 16 + "replicas-shared-secret-0123456789"  # 49 bytes
OTHER_KEY = "o" * 16 + "another-secret-of-its-own-012345"
SPEC = """\
mcpmint: 1
server: {name: relay, version: 1.0.0}
transports: [stdio, http]
tools:
  - {name: touch, description: Announces a change., inputSchema: {type: object}}
  - {name: grow, description: Grows the tool list., inputSchema: {type: object}}
  - {name: whoami, description: Names the replica., inputSchema: {type: object}}
  - {name: ask_name, description: Asks a name., inputSchema: {type: object}}
resources:
  - {uri: "x://watched", name: watched, text: watched}
notifications:
  tools: {listChanged: true}
  resources: {subscribe: true}
"""
HANDLERS = {
    "touch": 'await ctx.changes.resource_updated("x://watched")\n    return REPLICA',
    "grow": 'await ctx.changes.list_changed("tools")\n    return REPLICA',
    "whoami": "return REPLICA",
    "ask_name": 'who = await ctx.elicit("Your name?", Name)\n'
    '    return f"{who.data.name if who.data else who.action} on {REPLICA}"',
}
HANDLER = """\
from __future__ import annotations

import os

from pydantic import BaseModel

from ..context import Context
from ..models import {model}

REPLICA = os.environ.get("REPLICA", "?")


class Name(BaseModel):
    name: str


async def {name}(args: {model}, ctx: Context) -> str:
    {body}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not ready after {timeout} s")
        time.sleep(0.05)


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def env_for(project: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
    env["PYTHONPATH"] = os.pathsep.join([str(project), *sys.path])
    return {**env, **variables}


@dataclass
class Replica:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")


def start_replicas(
    project: Path, wanted: Sequence[tuple[str, list[str], dict[str, str]]]
) -> list[Replica]:
    """`python -m relay_server http ...` per (name, options, variables), all started
    before any is waited for."""
    started = []
    for name, options, variables in wanted:
        port = free_port()
        log = project.parent / f"replica-{name}-{port}.log"
        argv = [PYTHON, "-m", PACKAGE, "http", "--port", str(port), *options]
        with log.open("wb") as err:
            proc = subprocess.Popen(
                argv,
                env=env_for(project, REPLICA=name, **variables),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        started.append(Replica(name, port, proc, log))
    try:
        for replica in started:
            wait_ready(replica.proc, replica.port, replica.stderr, 60)
    except BaseException:
        for replica in started:
            stop(replica.proc, signal.SIGKILL)
        raise
    return started


def start_redis(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """redis-server in the foreground on `port`, without persistence, answering."""
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    assert Path(server).exists(), "apt-get install redis-server"
    argv = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    argv += ["--appendonly", "no", "--dir", str(folder), "--daemonize", "no"]
    with (folder / "redis.log").open("ab") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)

    def answers() -> bool:
        assert proc.poll() is None, (folder / "redis.log").read_text()
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    try:
        wait_until(answers, 20, "redis-server")
    except BaseException:
        stop(proc, signal.SIGKILL)
        raise
    finally:
        client.close()
    return proc


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONFIG = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # Which replica answered, for the tests (inherited by every location).
    add_header X-Upstream $upstream_addr always;
{body}
}}
"""


def start_nginx(folder: Path, body: str) -> subprocess.Popen[bytes]:
    """nginx in the foreground with `body` inside `http {}`; waits until it listens."""
    assert Path(NGINX).exists(), "nginx is missing: apt-get install nginx"
    folder.mkdir(parents=True, exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""  # workers reach the temp folders
    config = NGINX_CONFIG.format(dir=folder, user=user, body=body)
    (folder / "nginx.conf").write_text(config)
    argv = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    argv += ["-e", str(folder / "error.log"), "-g", "daemon off;"]
    with (folder / "stderr.log").open("wb") as stderr:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
        )
    return proc


def wait_listening(proc: subprocess.Popen[bytes], port: int, folder: Path) -> None:
    def ready() -> bool:
        if proc.poll() is not None:
            log = "".join((folder / n).read_text() for n in ("stderr.log", "error.log"))
            raise AssertionError(f"nginx exited with {proc.returncode}: {log[-2000:]}")
        try:
            httpx2.get(f"http://127.0.0.1:{port}/", timeout=1)
            return True
        except httpx2.TransportError:
            return False

    wait_until(ready, 20, "nginx")


def stop_nginx(proc: subprocess.Popen[bytes]) -> int:
    return stop(proc, signal.SIGQUIT)  # graceful: finish requests, then exit
