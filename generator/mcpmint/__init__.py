"""mcpmint: typed MCP servers from a YAML spec of tools.

The public API, re-exported from `mcpmint.pipeline`; nothing else lives here.
"""

from __future__ import annotations

from mcpmint.pipeline import (
    Build,
    build,
    check,
    diagnose,
    generate,
    load_and_validate,
)
from mcpmint.spec.diagnostics import Diagnostic, SpecError

__all__ = [
    "Build",
    "Diagnostic",
    "SpecError",
    "build",
    "check",
    "diagnose",
    "generate",
    "load_and_validate",
]
