"""Invalid specs give the expected located diagnostics and write nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from golden_support import INVALID, ROOT, expected_diagnostics

CASES = sorted(INVALID.glob("*.yaml"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_an_invalid_spec_gives_its_expected_diagnostics(case: Path) -> None:
    expected = case.with_suffix(".txt").read_text(encoding="utf-8")
    assert expected_diagnostics(case) == expected


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_generating_from_an_invalid_spec_writes_nothing(
    case: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "mcpmint", "generate", str(case), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "error" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_the_golden_cases_cover_every_kind_of_problem() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in INVALID.glob("*.txt"))
    for needle in (
        "YAML syntax error",
        "unknown key",
        "did you mean",
        "duplicate tool name",
        "both become",
        "is not valid",
        "must be `type: object`",
        "not valid JSON Schema 2020-12",
        "unresolved $ref",
        "example arguments do not match",
        "example result does not match",
        "characters long",
        "has no description",
        "duplicate key",
        "is already renamedFrom",
        "renamedFrom its own name",
        "a resource takes one content source",
        "a resource needs its contents",
        "lies outside the spec's folder",
        "does not exist",
        "duplicate URI",
        "duplicate resource name",
        "is a URI template, not a URI",
        "the SDK cannot match this URI template",
        "has no schema",
        "is not a variable of the URI template",
        "a template variable needs `type:`",
    ):
        assert needle in text, needle
