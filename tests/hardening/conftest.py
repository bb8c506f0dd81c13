"""The hardening tests import their helpers, the hostile server and the weather example."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
WEATHER = HERE.parents[1] / "generated_examples" / "weather"
for entry in (HERE, WEATHER):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))


@pytest.fixture
def format_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Black's disk cache in a temporary folder: hostile specs must not fill ~/.cache."""
    folder = tmp_path_factory.getbasetemp() / "format-cache"
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(folder))
    yield folder
