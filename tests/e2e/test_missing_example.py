"""A tool without examples whose input schema admits no made-up call: the generated
test that fails names it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PYTHON = sys.executable

SPEC = """\
mcpmint: 1
server:
  name: zips
  version: 0.1.0
  package: zips_server
transports: [stdio]
tools:
  - name: lookup_zip
    description: Look a postal code up.
    inputSchema:
      type: object
      properties:
        code: {type: string, pattern: "^[0-9]{5}$"}
      required: [code]
  - name: ping
    description: Answer.
    inputSchema: {type: object}
"""


def test_the_generated_test_names_the_tool_without_an_example_call(
    tmp_path: Path,
) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    made = subprocess.run(
        [PYTHON, "-m", "mcpmint", "generate", "spec.yaml", "-o", "out"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "out")}
    ran = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
        + ["-k", "test_every_tool_has_an_example_call"],
        cwd=tmp_path / "out", env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert (
        "no example call for lookup_zip: mcpmint could not make one up from the "
        "input schema; give the tool `examples:` in the spec"
    ) in ran.stdout.splitlines(), ran.stdout
