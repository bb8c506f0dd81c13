"""`create_app` under your own uvicorn: each setting it takes applies, the others are
refused (they belong to the ASGI server: accepting them did nothing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from transport_helpers import free_port

from listening import ready

pytestmark = pytest.mark.timeout(60)

ASGI = """
from fakepkg.server import server
from mcpmint_runtime.transports.app import create_app

app = create_app(server, transports=("websocket",), ws_max_size=1000)
"""


@pytest.mark.parametrize(
    ("name", "value", "where"),
    [
        ("port", 9000, "uvicorn --port"),
        ("log_level", "debug", "uvicorn --log-level"),
        ("grace_period", 2.0, "uvicorn --timeout-graceful-shutdown"),
        ("ws_ping_interval", 5.0, "uvicorn --ws-ping-interval"),
    ],
)
@pytest.mark.usefixtures("pkg_root")
def test_create_app_refuses_what_only_the_asgi_server_can_apply(
    name: str, value: object, where: str
) -> None:
    from fakepkg.server import server
    from mcpmint_runtime.transports.app import create_app

    with pytest.raises(TypeError) as refused:
        create_app(server, **{name: value})
    assert str(refused.value) == (
        f"create_app() does not take {name!r}: it is a setting of the ASGI server "
        f"running the app ({where})"
    )


class _Uvicorn:
    def __init__(self, root: Path, workdir: Path) -> None:
        self.port = free_port()
        self.log = workdir / f"uvicorn-{self.port}.log"
        argv = [sys.executable, "-m", "uvicorn", "asgi:app", "--port", str(self.port)]
        env = {"PYTHONPATH": f"{root}:{workdir}", "PATH": "/usr/bin:/bin"}
        with self.log.open("wb") as err:
            self.proc = subprocess.Popen(argv, env=env, cwd=workdir, stderr=err)

    def wait_ready(self) -> None:
        from listening import wait_ready

        wait_ready(self.proc, self.port, self.log.read_text, 20)


def test_create_app_applies_ws_max_size_itself(pkg_root: Path, tmp_path: Path) -> None:
    (tmp_path / "asgi.py").write_text(ASGI)
    server = ready(_Uvicorn(pkg_root, tmp_path), lambda: _Uvicorn(pkg_root, tmp_path))

    async def frames() -> tuple[str, int | None]:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        url = f"ws://127.0.0.1:{server.port}/ws"
        async with connect(url, subprotocols=["mcp"]) as ws:  # type: ignore[list-item]
            await ws.send("{not json")
            small = str(await ws.recv())
            big = {"jsonrpc": "2.0", "id": 1, "method": "ping", "x": "y" * 5000}
            await ws.send(json.dumps(big))
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None
            return small, closed.value.rcvd.code

    try:
        small, code = anyio.run(frames)
    finally:
        server.proc.terminate()
        server.proc.wait(15)
    assert "-32700" in small  # frames under the cap are served
    assert code == 1009  # message too big: uvicorn's own cap is 16 MiB
