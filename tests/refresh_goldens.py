"""Refresh every golden file: the generated examples and the expected diagnostics.

Run from the repository root: `python tests/refresh_goldens.py`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from golden_support import INVALID, expected_diagnostics  # noqa: E402


def main() -> None:
    """Regenerate generated_examples/<name>/ for every spec, and every invalid-spec .txt."""
    for spec in sorted((ROOT / "specs").glob("*.yaml")):
        out = ROOT / "generated_examples" / spec.stem
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mcpmint",
                "generate",
                str(spec.relative_to(ROOT)),
                "-o",
                str(out.relative_to(ROOT)),
            ],
            cwd=ROOT,
            check=True,
        )
    for case in sorted(INVALID.glob("*.yaml")):
        case.with_suffix(".txt").write_text(
            expected_diagnostics(case), encoding="utf-8"
        )
        print(f"refreshed {case.with_suffix('.txt').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
