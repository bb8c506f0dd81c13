"""A `review` notice stays listed on every later `generate` until the handler changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mcpmint import generate

ROOT = Path(__file__).resolve().parents[2]


def test_a_review_stays_until_the_handler_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MCPMINT_NO_CACHE", raising=False)
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "weather.yaml"
    shutil.copy(ROOT / "specs" / "weather.yaml", spec)
    out = tmp_path / "out"
    assert generate(spec, out).review == []
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("maximum: 14", "maximum: 10"), encoding="utf-8")
    notice = ["weather_server/handlers/get_forecast.py (inputSchema changed)"]
    assert generate(spec, out).review == notice
    assert generate(spec, out).review == notice  # the no-op fast path
    spec.write_text(text.replace("maximum: 14", "maximum: 12"), encoding="utf-8")
    assert generate(spec, out).review == notice  # a full build, the same notice
    handler = out / "weather_server" / "handlers" / "get_forecast.py"
    handler.write_text(handler.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert generate(spec, out).review == []
    assert generate(spec, out).review == []
