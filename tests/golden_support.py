"""Shared by the golden tests and tests/refresh_goldens.py."""

from __future__ import annotations

import os
from pathlib import Path

from mcpmint.diagnostics import SpecError, format_diagnostics
from mcpmint.load import load_spec
from mcpmint.validate import validate

ROOT = Path(__file__).resolve().parent.parent
INVALID = ROOT / "tests" / "golden" / "invalid"


def expected_diagnostics(case: Path) -> str:
    """The diagnostics text `mcpmint validate` prints for an invalid spec, paths relative."""
    display = os.path.relpath(case, ROOT).replace(os.sep, "/")
    try:
        found = validate(load_spec(case, display=display))
    except SpecError as exc:
        found = exc.diagnostics
    from mcpmint.diagnostics import sort_diagnostics

    return format_diagnostics(sort_diagnostics(found)) + "\n"
