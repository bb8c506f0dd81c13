"""The typed client checks at connect that the server still fits it.

The weather client of `generated_examples/` (built for weather 1.2.0, tools
get_forecast and get_conditions) meets servers generated from changed specs: one
without get_conditions at 2.0.0, one at 1.3.0 with every tool, and another server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from mcpmint_runtime import ClientError, ServerMismatch, ServerVersionWarning

from listening import port_taken, wait_ready

pytestmark = pytest.mark.timeout(300)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "generated_examples"
TOKEN = "tok-fit-5c1e"
MISSING = (
    "server 'weather' 2.0.0 no longer serves get_conditions, "
    "which this client (built for 1.2.0) calls"
)


def _generate(root: Path, package: str, version: str, drop: str | None) -> Path:
    spec = yaml.safe_load((ROOT / "specs" / "weather.yaml").read_text())
    spec["server"].update(package=package, version=version)
    spec["tools"] = [t for t in spec["tools"] if t["name"] != drop]
    (root / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    done = subprocess.run(
        [sys.executable, "-m", "mcpmint", "generate", "spec.yaml", "-o", "out"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "out"


def _import(path: Path, module: str) -> Any:
    sys.path.insert(0, str(path))
    try:
        return __import__(module, fromlist=["_"])
    finally:
        sys.path.remove(str(path))


@pytest.fixture(scope="module")
def removed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(
        tmp_path_factory.mktemp("removed"), "weather_v2", "2.0.0", "get_conditions"
    )


@pytest.fixture(scope="module")
def bumped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("bumped"), "weather_v3", "1.3.0", None)


def _client() -> Any:
    return _import(EXAMPLES / "weather", "weather_server.client")


async def _connect(target: Any, **kw: Any) -> None:
    async with _client().WeatherClient.connect(target, **kw):
        pass


def test_a_removed_tool_is_a_server_mismatch_at_connect(removed: Path) -> None:
    server = _import(removed, "weather_v2.server").build_server()
    with pytest.raises(ServerMismatch) as caught:
        anyio.run(_connect, server)
    assert str(caught.value) == f"Server: {MISSING}"
    assert caught.value.missing == ("get_conditions",)
    assert isinstance(caught.value, ClientError)


def test_without_the_check_an_unknown_tool_is_the_client_s_tool_error(
    removed: Path,
) -> None:
    client = _client()
    server = _import(removed, "weather_v2.server").build_server()

    async def call() -> None:
        async with client.WeatherClient.connect(server, check=False) as weather:
            await weather.get_conditions(city="Paris")

    with pytest.raises(client.UnknownTool) as caught:
        anyio.run(call)
    assert str(caught.value) == "get_conditions: Unknown tool: get_conditions"
    assert isinstance(caught.value, client.ToolError)
    assert isinstance(caught.value, ClientError)


def test_another_version_with_every_tool_is_only_a_warning(bumped: Path) -> None:
    server = _import(bumped, "weather_v3.server").build_server()
    with pytest.warns(ServerVersionWarning) as seen:
        anyio.run(_connect, server)
    assert [str(w.message) for w in seen] == [
        "Server: server 'weather' is 1.3.0, this client was built for 1.2.0; "
        "every tool it calls is still served"
    ]


def test_the_same_server_connects_silently() -> None:
    server = _import(EXAMPLES / "weather", "weather_server.server").build_server()
    anyio.run(_connect, server)  # filterwarnings = error: no warning either


def test_another_server_is_a_server_mismatch() -> None:
    server = _import(EXAMPLES / "tracker", "tracker_server.server").build_server()
    with pytest.raises(ServerMismatch) as caught:
        anyio.run(_connect, server)
    assert str(caught.value) == (
        "Server: server 'tracker' 0.4.0 is not 'weather', "
        "which this client (built for 1.2.0) calls"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def http(removed: Path, tmp_path: Path) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
    env.update(PYTHONPATH=str(removed), WEATHER_TOKEN=TOKEN)
    log = tmp_path / "stderr.log"
    for _ in range(3):
        port = _free_port()
        argv = [sys.executable, "-m", "weather_v2", "http", "--port", str(port)]
        with log.open("wb") as err:
            proc = subprocess.Popen(
                argv, env=env, cwd=removed, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err,
            )  # fmt: skip
        try:
            wait_ready(proc, port, lambda: log.read_text(errors="replace"), 30.0)
        except AssertionError as exc:
            proc.kill()
            proc.wait()
            if not port_taken(str(exc)):
                raise
            continue
        yield f"http://127.0.0.1:{port}/mcp"
        proc.terminate()
        proc.wait(15)
        return
    raise AssertionError("no free port")


def test_a_removed_tool_over_http_is_one_line(http: str) -> None:
    with pytest.raises(ServerMismatch) as caught:
        anyio.run(lambda: _connect(http, token=TOKEN))
    assert str(caught.value) == f"{http}: {MISSING}"
