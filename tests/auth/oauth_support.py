"""A real authorization server (node-oidc-provider, pinned in package.json) and the
oauth-notes server (oauth_notes.yaml), both on loopback, for tests/auth.

Needs `npm ci --prefix tests/auth`; without it every test here fails (no skip).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

HERE = Path(__file__).resolve().parent
NODE = HERE / "node_modules" / "node" / "bin" / "node"
PROVIDER = HERE / "provider.mjs"
SPEC = HERE / "oauth_notes.yaml"
PACKAGE = "oauth_notes_server"

READER = ("reader", "reader-secret", "notes:read")
WRITER = ("writer", "writer-secret", "notes:read notes:write")
NOBODY = ("nobody", "nobody-secret", "profile")  # none of the server's scopes
SHORT = ("short", "short-secret", "notes:read")  # its tokens live one second
# Opaque access tokens (checked by introspection), and the client the server
# introspects them with.
OPAQUE_READER = ("opaque-reader", "opaque-reader-secret", "notes:read")
OPAQUE_WRITER = ("opaque-writer", "opaque-writer-secret", "notes:read notes:write")
INTROSPECTOR = ("notes-server", "notes-server-secret", "profile")
OPAQUE = (OPAQUE_READER, OPAQUE_WRITER)
CLIENTS = [
    {
        "id": c[0],
        "secret": c[1],
        "scope": c[2],
        "ttl": 1 if c is SHORT else 300,
        "opaque": c in OPAQUE,
    }
    for c in (READER, WRITER, NOBODY, SHORT, *OPAQUE, INTROSPECTOR)
]

HANDLERS = {
    "whoami.py": '''
from __future__ import annotations

from ..context import Context
from ..models import WhoamiInput, WhoamiOutput


async def whoami(args: WhoamiInput, ctx: Context) -> WhoamiOutput:
    """The caller as the server sees it."""
    who = ctx.principal
    assert who is not None
    return WhoamiOutput(
        subject=who.subject or "", client=who.client_id or "",
        scopes=sorted(who.scopes),
    )
''',
    "write_note.py": '''
from __future__ import annotations

from ..context import Context
from ..models import WriteNoteInput


async def write_note(args: WriteNoteInput, ctx: Context) -> str:
    """Pretends to store the note."""
    return f"stored: {args.text}"
''',
}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def signing_key(kid: str) -> dict[str, Any]:
    """A fresh private RSA JWK named `kid`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def wait_port(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    import socket

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"exited {proc.returncode}:\n{log.read_text()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    pytest.fail(f"nothing listens on {port}:\n{log.read_text()}")


@dataclass
class Provider:
    """node-oidc-provider on a loopback port, signing with `keys[0]`."""

    workdir: Path
    keys: list[dict[str, Any]]
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Provider:
        if not NODE.exists():
            pytest.fail("node-oidc-provider missing: run `npm ci --prefix tests/auth`")
        config = self.workdir / f"provider-{self.port}.json"
        body = {"port": self.port, "keys": self.keys, "clients": CLIENTS}
        config.write_text(json.dumps(body))
        log = self.workdir / f"provider-{self.port}.log"
        with log.open("wb") as out:
            argv = [str(NODE), str(PROVIDER), str(config)]
            self.proc = subprocess.Popen(argv, stdout=out, stderr=out)
        wait_port(self.proc, self.port, log)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def token(self, client: tuple[str, str, str], resource: str, **extra: str) -> str:
        """An access token from the token endpoint (client credentials)."""
        data = {"grant_type": "client_credentials", "resource": resource}
        data.update(scope=client[2], **extra)
        response = httpx2.post(
            f"{self.issuer}/token", data=data, auth=(client[0], client[1]), timeout=10
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token


def generate_server(root: Path, spec: Path = SPEC, package: str = PACKAGE) -> Path:
    """oauth_notes.yaml (or `spec`) generated under `root`, its handlers written."""
    from mcpmint.pipeline import generate

    generate(spec, root)
    for name, text in HANDLERS.items():
        (root / package / "handlers" / name).write_text(text.lstrip())
    return root


@dataclass
class Server:
    """`python -m oauth_notes_server ARGS` on a loopback port."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def resource(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def url(self, road: str) -> str:
        paths = {"http": "/mcp", "sse": "/sse", "websocket": "/ws"}
        scheme = "ws" if road == "websocket" else "http"
        return f"{scheme}://127.0.0.1:{self.port}{paths[road]}"

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
        return self.proc.wait(15)


def start_server(
    root: Path,
    workdir: Path,
    command: str,
    issuer: str,
    *extra: str,
    package: str = PACKAGE,
    env: dict[str, str] | None = None,
) -> Server:
    port = free_port()
    resource = f"http://127.0.0.1:{port}/mcp"
    argv = [sys.executable, "-m", package, command, "--port", str(port)]
    argv += ["--oauth-issuer", issuer, "--oauth-resource", resource, *extra]
    log = workdir / f"server-{port}.log"
    paths = [str(root), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, **(env or {})}
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    with log.open("wb") as err:
        proc = subprocess.Popen(argv, env=env, stderr=err, stdout=subprocess.DEVNULL)
    wait_port(proc, port, log)
    return Server(proc, port, log)


def refusal_status(server: Server, token: str) -> tuple[int, str]:
    """The status and challenge of an initialize POST to /mcp with `token`."""
    response = httpx2.post(
        server.url("http"),
        json={
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        },
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json, text/event-stream",
        },
        timeout=10,
    )
    return response.status_code, response.headers.get("www-authenticate", "")


@dataclass
class World:
    provider: Provider
    other: Provider  # same signing key, another issuer
    # By subcommand: "serve", and "http" with --oauth-filter-tools.
    servers: dict[str, Server]
    root: Path
    expired: str  # a token of `provider` for the serve server, one second long
    expired_at: float  # when it is past the server's leeway (time.monotonic())
