"""`--client-only`: a consumer team gets the typed client and models alone.

The weather server (generated_examples/weather, its handlers implemented) is copied
and regenerated into one folder, the client-only package generated from a copy of
its spec into another; a consumer process that has only the client package on its
path calls the real server over stdio.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
import yaml

from mcpmint.output.pins import PYDANTIC_REQUIREMENT, RUNTIME_REQUIREMENT

pytestmark = pytest.mark.timeout(300)

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PACKAGE_FILES = {
    "README.md",
    "mcpmint-generated.txt",
    "pyproject.toml",
    "weather_client/__init__.py",
    "weather_client/client.py",
    "weather_client/models.py",
    "weather_client/py.typed",
}


def _mcpmint(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "mcpmint", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _files(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`server/` (weather_server with its handlers), `spec.yaml`, `client/`."""
    root = tmp_path_factory.mktemp("client_only")
    shutil.copytree(
        ROOT / "generated_examples" / "weather",
        root / "server",
        ignore=shutil.ignore_patterns("__pycache__", ".*_cache"),
    )
    shutil.copy(ROOT / "specs" / "weather.yaml", root / "spec.yaml")
    server = _mcpmint("generate", "spec.yaml", "-o", "server", cwd=root)
    assert server.returncode == 0, server.stdout + server.stderr
    client = _mcpmint(
        "generate", "spec.yaml", "--client-only", "-o", "client", cwd=root
    )
    assert client.returncode == 0, client.stdout + client.stderr
    assert client.stdout.endswith("7 created, 0 updated, 0 unchanged, 0 kept, "
                                  "0 orphaned, 0 deleted\n"), client.stdout  # fmt: skip
    return root


def _consume(code: str, client: Path, server: Path) -> str:
    """Run `code` where only the `client` package is importable (`server` is its
    first argument); its stdout."""
    script = client.parent / "consumer" / "use.py"
    script.parent.mkdir(exist_ok=True)
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(client)}
    done = subprocess.run(
        [PYTHON, str(script), str(server)],
        cwd=script.parent, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


CALL = """
import asyncio, importlib.util, sys

import weather_client
from weather_client import WeatherClient, models

SERVER = f"{sys.executable} -m weather_server stdio"


async def main() -> None:
    env = {"PYTHONPATH": sys.argv[1]}
    async with WeatherClient.connect(SERVER, env=env, timeout=60) as client:
        forecast = await client.get_forecast(city="Paris", days=2)
        conditions = await client.get_conditions(city="Lima")
    assert type(forecast) is models.GetForecastOutput, type(forecast)
    assert type(forecast.days[0]) is models.Day
    print(len(forecast.days), forecast.city, type(conditions).__name__)


assert importlib.util.find_spec("weather_server") is None
asyncio.run(main())
assert "weather_server" not in sys.modules
print(weather_client.__version__, weather_client.SERVER_VERSION)
"""


def test_a_consumer_without_the_server_package_calls_the_server_with_it(
    work: Path,
) -> None:
    assert _consume(CALL, work / "client", work / "server").splitlines() == [
        "2 Paris str",
        "1.2.0 1.2.0",
    ]


def test_the_package_holds_the_client_and_models_and_no_server(work: Path) -> None:
    assert _files(work / "client") == PACKAGE_FILES
    server, client = (
        work / "server" / "weather_server",
        work / "client" / "weather_client",
    )
    for name in ("client.py", "models.py"):
        ours = (client / name).read_text().splitlines()
        theirs = (server / name).read_text().splitlines()
        # the same module; only the header's regenerate command differs
        assert ours[2:] == theirs[2:]
        assert (
            ours[1] == "# Regenerate: mcpmint generate ../spec.yaml --client-only -o ."
        )
    project = tomllib.loads((work / "client" / "pyproject.toml").read_text())
    assert project["project"]["name"] == "weather-client"
    assert project["project"]["version"] == "1.2.0"
    assert project["project"]["dependencies"] == [
        RUNTIME_REQUIREMENT,
        PYDANTIC_REQUIREMENT,
    ]
    assert "scripts" not in project["project"]
    manifest = (work / "client" / "mcpmint-generated.txt").read_text().splitlines()
    assert "# kind: client-only" in manifest
    assert set(manifest[3:]) == PACKAGE_FILES - {"mcpmint-generated.txt"}


def test_setuptools_reads_only_the_clients_dependencies_and_files(
    work: Path, tmp_path: Path
) -> None:
    """The metadata setuptools makes of the package (egg_info: no wheel needed)."""
    built = subprocess.run(
        [PYTHON, "-c", "from setuptools import setup; setup()",
         "egg_info", "--egg-base", str(tmp_path)],
        cwd=work / "client", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    info = tmp_path / "weather_client.egg-info"
    lines = (info / "PKG-INFO").read_text().splitlines()
    assert "Name: weather-client" in lines
    assert "Version: 1.2.0" in lines
    requires = (info / "requires.txt").read_text().split()
    assert requires == ["mcpmint-runtime<0.3,>=0.2", "pydantic<3,>=2.14"]
    sources = (info / "SOURCES.txt").read_text().splitlines()
    assert [s for s in sources if s.startswith("weather_")] == [
        "weather_client/__init__.py",
        "weather_client/client.py",
        "weather_client/models.py",
        "weather_client/py.typed",
    ]


def test_a_consumers_mypy_strict_reads_the_package(work: Path) -> None:
    consumer = work / "typed"
    consumer.mkdir()
    (consumer / "good.py").write_text(
        "from weather_client import ClientError, WeatherClient, models\n"
        "\n\n"
        "async def use(client: WeatherClient) -> models.GetForecastOutput | None:\n"
        "    try:\n"
        '        return await client.get_forecast(city="Paris", days=2)\n'
        "    except ClientError:\n"
        "        return None\n",
        encoding="utf-8",
    )
    (consumer / "bad.py").write_text(
        "from weather_client import WeatherClient\n"
        "\n\n"
        "async def use(client: WeatherClient) -> None:\n"
        "    await client.get_forecast(city=42)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(work / "client")}
    checked = subprocess.run(
        [PYTHON, "-m", "mypy", "--strict", "--no-incremental", "good.py", "bad.py"],
        cwd=consumer, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert checked.stdout.splitlines() == [
        'bad.py:5: error: Argument "city" to "get_forecast" of "WeatherClient" has '
        'incompatible type "int"; expected "str"  [arg-type]',
        "Found 1 error in 1 file (checked 2 source files)",
    ], checked.stdout + checked.stderr


def test_check_is_clean_after_generate_and_a_server_check_there_is_refused(
    work: Path,
) -> None:
    clean = _mcpmint("check", "spec.yaml", "--client-only", "-o", "client", cwd=work)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")
    plain = _mcpmint("check", "spec.yaml", "-o", "client", cwd=work)
    assert (plain.returncode, plain.stdout) == (2, "")
    assert plain.stderr == (
        "mcpmint check: client holds a client-only package, not a server project: "
        "run mcpmint check spec.yaml --client-only -o client\n"
    )
    before = _files(work / "server")
    into_server = _mcpmint(
        "generate", "spec.yaml", "--client-only", "-o", "server", cwd=work
    )
    assert into_server.returncode == 2
    assert into_server.stderr == (
        "mcpmint generate: server holds a server project, not a client-only "
        "package: give the client-only package a folder of its own (-o), or run "
        "mcpmint generate spec.yaml -o server\n"
    )
    assert _files(work / "server") == before


ALERTS = {
    "name": "get_alerts",
    "description": "Weather alerts for a city.",
    "inputSchema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}

FIT = """
import asyncio, sys

from weather_client import ClientError, ServerMismatch, UnknownTool, WeatherClient

SERVER = f"{sys.executable} -m weather_server stdio"


async def main() -> None:
    env = {"PYTHONPATH": sys.argv[1]}
    try:
        async with WeatherClient.connect(SERVER, env=env, timeout=60):
            raise AssertionError("connected to a server without get_alerts")
    except ServerMismatch as exc:
        assert isinstance(exc, ClientError)
        print(exc)
    async with WeatherClient.connect(SERVER, env=env, timeout=60, check=False) as c:
        try:
            await c.get_alerts(city="Oslo")
        except UnknownTool as exc:
            print(type(exc).__name__, exc.tool)


asyncio.run(main())
"""


def test_a_spec_edit_is_drift_and_the_regenerated_client_checks_the_server(
    work: Path, tmp_path: Path
) -> None:
    shutil.copytree(work / "client", tmp_path / "client")
    spec = yaml.safe_load((work / "spec.yaml").read_text())
    spec["server"]["version"] = "1.3.0"
    spec["tools"].append(ALERTS)
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    stale = _mcpmint(
        "check", "spec.yaml", "--client-only", "-o", "client", cwd=tmp_path
    )
    assert stale.returncode == 1
    found = [line for line in stale.stdout.splitlines() if ": " in line[:8]]
    assert found == [
        "stale: README.md",
        "stale: pyproject.toml",
        "stale: weather_client/__init__.py",
        "stale: weather_client/client.py",
        "stale: weather_client/models.py",
    ]
    assert stale.stderr.startswith(
        "5 file(s) out of date: run mcpmint generate spec.yaml --client-only "
        "-o client\n"
    )
    made = _mcpmint(
        "generate", "spec.yaml", "--client-only", "-o", "client", cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    # the 1.2.0 server has no get_alerts: the 1.3.0 client refuses it at connect
    mismatch, unknown = _consume(FIT, tmp_path / "client", work / "server").splitlines()
    assert mismatch.endswith(
        " -m weather_server stdio: server 'weather' 1.2.0 no longer serves "
        "get_alerts, which this client (built for 1.3.0) calls"
    )
    assert unknown == "UnknownTool get_alerts"


def test_the_outputs_docs_consumers_quotes_are_the_real_ones(tmp_path: Path) -> None:
    """docs/consumers.md quotes these commands' output, run in a folder laid out as
    there (specs/weather.yaml)."""
    doc = (ROOT / "docs" / "consumers.md").read_text()
    (tmp_path / "specs").mkdir()
    shutil.copy(ROOT / "specs" / "weather.yaml", tmp_path / "specs" / "weather.yaml")
    spec, out = "specs/weather.yaml", "clients/weather"
    made = _mcpmint("generate", spec, "--client-only", "-o", out, cwd=tmp_path)
    assert made.stdout in doc
    pyproject = (tmp_path / out / "pyproject.toml").read_text()
    quoted = pyproject[pyproject.index("[project]") : pyproject.index("\n]\n") + 3]
    assert f"```toml\n{quoted}```" in doc
    plain = _mcpmint("check", spec, "-o", out, cwd=tmp_path)
    assert plain.returncode == 2 and plain.stderr in doc
    assert _mcpmint("generate", spec, "-o", "server", cwd=tmp_path).returncode == 0
    wrong = _mcpmint("generate", spec, "--client-only", "-o", "server", cwd=tmp_path)
    assert wrong.returncode == 2 and wrong.stderr in doc
    text = (tmp_path / spec).read_text().replace("version: 1.2.0", "version: 1.3.0")
    (tmp_path / spec).write_text(text)
    stale = _mcpmint("check", spec, "--client-only", "-o", out, cwd=tmp_path)
    assert stale.returncode == 1 and stale.stderr in doc
    client_diff = stale.stdout[stale.stdout.index("stale: weather_client/client.py") :]
    assert client_diff in doc
