"""What a consumer of a generated package sees: its type checker reads the client."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def test_a_consumers_mypy_sees_the_clients_types(tmp_path: Path) -> None:
    """The package ships `py.typed` (PEP 561), so mypy, finding it on the path like
    an installed package, checks calls against the client's signatures instead of
    skipping it ("missing library stubs or py.typed marker")."""
    out = tmp_path / "weather"
    made = subprocess.run(
        [PYTHON, "-m", "mcpmint", "generate", str(ROOT / "specs/weather.yaml")]
        + ["-o", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    assert (out / "weather_server/py.typed").is_file()
    consumer = tmp_path / "consumer"
    consumer.mkdir()
    (consumer / "use.py").write_text(
        "from weather_server.client import WeatherClient\n"
        "\n\n"
        "async def use(client: WeatherClient) -> None:\n"
        "    await client.get_forecast(city=42)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(out)}
    checked = subprocess.run(
        [PYTHON, "-m", "mypy", "--strict", "--no-incremental", "use.py"],
        cwd=consumer, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "py.typed" not in checked.stdout, checked.stdout
    assert (
        'use.py:5: error: Argument "city" to "get_forecast" of "WeatherClient" has '
        'incompatible type "int"; expected "str"  [arg-type]'
    ) in checked.stdout, checked.stdout
