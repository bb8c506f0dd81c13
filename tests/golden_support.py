"""Shared by the golden tests and tests/refresh_goldens.py."""

from __future__ import annotations

import os
from pathlib import Path

from mcpmint import diagnose
from mcpmint.spec.diagnostics import SpecError, format_diagnostics

ROOT = Path(__file__).resolve().parent.parent
INVALID = ROOT / "tests" / "golden" / "invalid"


def expected_diagnostics(case: Path) -> str:
    """The diagnostics text `mcpmint validate` prints for an invalid spec, paths relative."""
    display = os.path.relpath(case, ROOT).replace(os.sep, "/")
    try:
        _, found = diagnose(case, display=display)
    except SpecError as exc:
        found = exc.diagnostics
    return format_diagnostics(found) + "\n"
