"""The generated examples are importable packages for these tests."""

from __future__ import annotations

import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "generated_examples"
for project in sorted(EXAMPLES.iterdir()) if EXAMPLES.is_dir() else []:
    if str(project) not in sys.path:
        sys.path.insert(0, str(project))
