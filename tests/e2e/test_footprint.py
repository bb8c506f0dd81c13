"""A generated server runs where only the runtime is installed, nothing of mcpmint's.

A fresh virtual environment gets `./generator` (the mcpmint-runtime distribution) and
a generated weather project, from the package index as a user would; no black,
datamodel-code-generator, copier or Jinja may come with them. Then the server
answers a real client of that environment over stdio and over Streamable HTTP.
Slow (~1 minute, most of it pip): it builds and installs real wheels.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import venv
from pathlib import Path

import pytest

from listening import wait_ready
from mcpmint import generate

ROOT = Path(__file__).resolve().parents[2]
GENERATOR_ONLY = ("black", "datamodel_code_generator", "copier", "jinja2", "mcpmint")

pytestmark = pytest.mark.timeout(900)

CLIENT = """\
import json
import sys

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters


async def main(target, token):
    if target == "stdio":
        server = StdioServerParameters(command=sys.executable, args=sys.argv[2:])
    else:
        from weather_server.client import transport_for

        server = transport_for(target, token=token)
    async with Client(server) as client:
        names = sorted(tool.name for tool in (await client.list_tools()).tools)
        result = await client.call_tool("get_forecast", {"city": "Paris", "days": 2})
        texts = [getattr(block, "text", "") for block in result.content]
        print(json.dumps([names, result.is_error, result.structured_content, texts]))


anyio.run(main, sys.argv[1], sys.argv[2] if sys.argv[1] != "stdio" else "")
"""


def _run(argv: list[str], timeout: float, cwd: Path | None = None) -> str:
    """stdout of a command that must succeed; else its command line and output."""
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, cwd=cwd
    )
    report = f"{' '.join(argv)}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    assert done.returncode == 0, report
    return done.stdout


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(python of a fresh venv with only the runtime and the project, the project)."""
    root = tmp_path_factory.mktemp("footprint")
    project = root / "weather"
    generate(ROOT / "specs" / "weather.yaml", project)
    venv.create(root / "venv", with_pip=True)
    python = root / "venv" / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    _run([*pip, str(ROOT / "generator"), str(project)], timeout=600)
    return python, project


def test_generator_only_packages_are_not_installed(
    server_env: tuple[Path, Path],
) -> None:
    python, _ = server_env
    probe = "import importlib.util as u, sys\n"
    probe += "print([m for m in sys.argv[1:] if u.find_spec(m)])"
    found = _run([str(python), "-c", probe, *GENERATOR_ONLY], timeout=60)
    assert found.strip() == "[]"


def test_the_server_answers_over_stdio(server_env: tuple[Path, Path]) -> None:
    python, project = server_env
    script = project.parent / "client.py"
    script.write_text(CLIENT)
    out = _run(
        [str(python), str(script), "stdio", "-m", "weather_server", "stdio"],
        timeout=120,
        cwd=project.parent,  # not the project: the installed package is the one used
    )
    names, is_error, structured, texts = json.loads(out)
    assert names == ["get_conditions", "get_forecast"]
    # The handler is the generated stub: the runtime's dispatch answers for it.
    assert (is_error, structured, texts) == (
        True,
        None,
        ["Not implemented: get_forecast"],
    )


def test_the_example_server_answers_over_streamable_http(
    server_env: tuple[Path, Path],
) -> None:
    python, project = server_env
    script = project.parent / "client.py"
    script.write_text(CLIENT)
    token = secrets.token_hex(8)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = project.parent / "http.log"
    env = {**os.environ, "WEATHER_TOKEN": token}
    command = [
        str(python),
        "-m",
        "weather_server.examples",
        "http",
        "--port",
        str(port),
    ]
    with log.open("wb") as sink:
        proc = subprocess.Popen(command, cwd=project.parent, env=env, stderr=sink)
    try:
        wait_ready(proc, port, log.read_text, timeout=60)
        url = f"http://127.0.0.1:{port}/mcp"
        out = _run([str(python), str(script), url, token], timeout=120)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    names, is_error, structured, _ = json.loads(out)
    assert names == ["get_conditions", "get_forecast"]
    assert is_error is False
    assert structured["city"] == "Paris"
