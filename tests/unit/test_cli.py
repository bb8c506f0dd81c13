"""The mcpmint command: exit codes and what it prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]


def mcpmint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mcpmint", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_schema_prints_a_json_schema_that_accepts_every_example_spec() -> None:
    import yaml

    result = mcpmint("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    for spec in sorted((ROOT / "specs").glob("*.yaml")):
        errors = list(
            validator.iter_errors(yaml.safe_load(spec.read_text(encoding="utf-8")))
        )
        assert errors == [], (spec.name, [e.message for e in errors])


def test_schema_rejects_an_unknown_top_level_key() -> None:
    schema = json.loads(mcpmint("schema").stdout)
    spec = {
        "mcpmint": 1,
        "server": {"name": "a", "version": "1"},
        "tools": [{"name": "t", "inputSchema": {"type": "object"}}],
        "tool": [],
    }
    assert not Draft202012Validator(schema).is_valid(spec)


def test_validate_exits_0_for_a_good_spec_and_1_with_diagnostics_for_a_bad_one() -> (
    None
):
    good = mcpmint("validate", "specs/weather.yaml")
    assert good.returncode == 0
    assert good.stdout.strip() == "0 errors, 0 warnings"
    bad = mcpmint("validate", "tests/golden/invalid/bad_schemas.yaml")
    assert bad.returncode == 1
    assert "tests/golden/invalid/bad_schemas.yaml:11:16: error:" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_missing_spec_file_is_a_clear_error() -> None:
    result = mcpmint("validate", "specs/nope.yaml")
    assert result.returncode == 1
    assert "cannot read the spec" in result.stderr
