"""`mcpmint check --fail-on-stubs`: which handlers count as stubs, and the exit code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mcpmint import generate
from mcpmint.output.stubs import is_stub

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "body",
    [
        "    raise NotImplementedError\n",
        '    """Doc."""\n    raise NotImplementedError\n',
        '    raise NotImplementedError("later")\n',
    ],
)
def test_a_body_that_only_raises_not_implemented_is_a_stub(body: str) -> None:
    assert is_stub(f"async def tool(args, ctx):\n{body}", "tool")


@pytest.mark.parametrize(
    "source",
    [
        "async def tool(args, ctx):\n    return 'done'\n",
        "async def tool(args, ctx):\n    if args:\n        raise NotImplementedError\n    return 1\n",
        "async def tool(args, ctx):\n    raise ValueError\n",
        "async def other(args, ctx):\n    raise NotImplementedError\n",
        "async def tool(args, ctx:\n",
    ],
)
def test_anything_else_is_the_user_s_code(source: str) -> None:
    assert not is_stub(source, "tool")


def check(spec: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mcpmint", "check", str(spec), "-o", str(out)]
    return subprocess.run([*command, *options], capture_output=True, text=True)


def test_check_fails_on_stubs_only_when_asked_and_names_each(tmp_path: Path) -> None:
    spec = tmp_path / "weather.yaml"
    shutil.copy(ROOT / "specs" / "weather.yaml", spec)
    out = tmp_path / "out"
    generate(spec, out)
    assert check(spec, out).returncode == 0
    found = check(spec, out, "--fail-on-stubs")
    assert found.returncode == 1
    assert found.stdout.splitlines() == [
        "stub: weather_server/handlers/get_conditions.py",
        "stub: weather_server/handlers/get_forecast.py",
    ]
    assert found.stderr == (
        "2 handler(s) still raise NotImplementedError: implement them\n"
    )
    for name in ("get_conditions", "get_forecast"):
        real = ROOT / "generated_examples" / "weather" / "weather_server" / "handlers"
        shutil.copy(real / f"{name}.py", out / "weather_server" / "handlers")
    done = check(spec, out, "--fail-on-stubs")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_a_quiet_check_fails_on_stubs_in_silence(tmp_path: Path) -> None:
    spec = tmp_path / "weather.yaml"
    shutil.copy(ROOT / "specs" / "weather.yaml", spec)
    generate(spec, tmp_path / "out")
    quiet = check(spec, tmp_path / "out", "--fail-on-stubs", "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (1, "", "")


def test_the_generated_tests_fail_on_a_stub_naming_its_file(tmp_path: Path) -> None:
    spec = tmp_path / "weather.yaml"
    shutil.copy(ROOT / "specs" / "weather.yaml", spec)
    out = tmp_path / "out"
    generate(spec, out)
    real = ROOT / "generated_examples" / "weather" / "weather_server" / "handlers"
    shutil.copy(real / "get_conditions.py", out / "weather_server" / "handlers")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k"]
    ran = subprocess.run(
        [*command, "your", "tests"], cwd=out, capture_output=True, text=True
    )
    assert ran.returncode == 1
    line = (
        "handler get_forecast is not implemented yet: "
        "edit weather_server/handlers/get_forecast.py"
    )
    # each in-process example and the stdio run: one line each, no traceback
    assert ran.stdout.count(f"\n{line}\n") == 3, ran.stdout
    assert "3 failed, 1 passed" in ran.stdout
    assert "get_conditions" not in ran.stdout.split("short test summary")[1]
