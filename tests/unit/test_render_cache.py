"""Compiled templates come from the disk cache: a fresh process compiles none of the
templates an earlier one compiled (the goldens show the bytes are the same)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

import mcpmint.codegen.render as render

TEMPLATE = "codegen/client.py.jinja"


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def counted(
        self: jinja2.Environment, source: Any, name: Any = None, *a: Any, **k: Any
    ) -> Any:
        compiled.append(str(name))
        return real(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return compiled


def test_a_template_compiled_once_per_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(tmp_path / "cache"))
    compiled = _compiles(monkeypatch)
    render._ENV.cache.clear()  # what a fresh process has in memory: nothing
    first = render._ENV.get_template(TEMPLATE)
    assert TEMPLATE in compiled
    assert list((tmp_path / "cache" / "jinja").iterdir())
    compiled.clear()
    render._ENV.cache.clear()
    again = render._ENV.get_template(TEMPLATE)
    assert compiled == []
    assert again is not first
    # the cache off: compiled every time
    monkeypatch.setenv("MCPMINT_NO_CACHE", "1")
    render._ENV.cache.clear()
    render._ENV.get_template(TEMPLATE)
    assert TEMPLATE in compiled
