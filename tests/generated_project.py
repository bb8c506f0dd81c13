"""A generated server project for a test: its spec written to a folder and generated
into `out/` there by the real `mcpmint generate` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def generate_project(root: Path, spec: str) -> Path:
    """`root / "out"`, generated from `spec` (YAML text) written to `root/spec.yaml`."""
    (root / "spec.yaml").write_text(spec, encoding="utf-8")
    made = subprocess.run(
        [sys.executable, "-m", "mcpmint", "generate", "spec.yaml", "-o", "out"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    return root / "out"
