"""`mcpmint diff`'s prompt verdicts agree with what the typed client generated from
OLD meets when it gets each prompt from a server generated from NEW (the prompts/get
half of tests/e2e/test_diff_contract.py, which calls tools only).

One old and one new spec with a prompt per case; the new server runs over stdio; the
old client gets every prompt it knows with every argument OLD declares. A prompt's
worst level is error exactly when the get fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcpmint.specdiff.report import diff_specs, valid_side
from mcpmint.specdiff.rules import RULES, Level

from contract_cases import NOT_SHOWN_BY_A_CALL

pytestmark = pytest.mark.timeout(120)

Prompt = dict[str, Any]


def prompt(*arguments: dict[str, Any], text: str = "Hello.", **fields: Any) -> Prompt:
    message = {"role": "user", "content": {"type": "text", "text": text}}
    return {"arguments": list(arguments), "messages": [message], **fields}


A, B = {"name": "a"}, {"name": "b"}
NEED_A, NEED_B = {**A, "required": True}, {**B, "required": True}
INT = {"type": "integer", "maximum": 3}
# rule -> (old form, new form, what the old client sends); None: no such prompt.
CASES: dict[str, tuple[Prompt | None, Prompt | None, dict[str, Any]]] = {
    "prompt-removed": (prompt(), None, {}),
    "prompt-argument-added": (prompt(NEED_A), prompt(NEED_A, B), {"a": "x"}),
    "prompt-argument-added-required": (
        prompt(NEED_A),
        prompt(NEED_A, NEED_B),
        {"a": "x"},
    ),
    "prompt-argument-required": (prompt(A), prompt(NEED_A), {}),
    "prompt-argument-optional": (prompt(NEED_A), prompt(A), {"a": "x"}),
    "prompt-argument-removed": (prompt(A, B), prompt(A), {"a": "x", "b": "y"}),
    "prompt-completion-changed": (
        prompt({**A, "complete": {"values": ["x"]}}),
        prompt({**A, "complete": {"values": ["y"]}}),
        {"a": "x"},
    ),
    "prompt-messages-changed": (prompt(A), prompt(A, text="Hi {a}."), {"a": "x"}),
    "prompt-text-changed": (prompt(A), prompt(A, description="New."), {"a": "x"}),
    # An argument's schema, an input schema: what the tool cases show, for prompts.
    "input-values-restricted": (
        prompt(NEED_A),
        prompt({**NEED_A, "schema": {"enum": ["y"]}}),
        {"a": "x"},
    ),
    "input-constraint-tightened": (
        prompt({**NEED_A, "schema": INT}),
        prompt({**NEED_A, "schema": {**INT, "maximum": 2}}),
        {"a": 3},
    ),
    "input-constraint-loosened": (
        prompt({**NEED_A, "schema": INT}),
        prompt({**NEED_A, "schema": {**INT, "maximum": 9}}),
        {"a": 3},
    ),
}
# The prompt rules no get can show, with the reason.
NOT_SHOWN = {"prompt-added": "the old client has no method for it"}


def name(rule: str) -> str:
    return "p_" + rule.replace("-", "_")


def specs() -> tuple[dict[str, Any], dict[str, Any]]:
    sides = []
    for index, package in enumerate(("pdiff_old", "pdiff_new")):
        prompts = [
            {"name": name(rule), **form}
            for rule, forms in CASES.items()
            if (form := forms[index]) is not None
        ]
        if index:
            prompts.append({"name": name("prompt-added"), **prompt()})
        server = {"name": "pdiff", "version": "1.0.0", "package": package}
        tool = {"name": "noop", "description": "d", "inputSchema": {"type": "object"}}
        sides.append(
            {"mcpmint": 1, "server": server, "tools": [tool], "prompts": prompts}
        )
    return sides[0], sides[1]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("pdiff")
    for side, spec in zip(("old", "new"), specs(), strict=True):
        (root / f"{side}.yaml").write_text(json.dumps(spec, indent=1), "utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "mcpmint", "generate", f"{side}.yaml", "-o", side],
            cwd=root, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(root / "old"))
    try:
        yield root
    finally:
        sys.path.remove(str(root / "old"))


async def outcomes(root: Path) -> dict[str, str]:
    """Each old prompt got by the old client: "ok" or the error it raised."""
    from pdiff_old.client import PdiffOldClient

    env = {"PYTHONPATH": str(root / "new")}
    command = f"{sys.executable} -m pdiff_new stdio"
    found: dict[str, str] = {}
    async with PdiffOldClient.connect(command, env=env, timeout=30) as client:
        for rule, (_, _, sent) in CASES.items():
            try:
                await getattr(client, f"prompt_{name(rule)}")(**sent)
                found[rule] = "ok"
            except Exception as exc:  # noqa: BLE001 - the outcome is the report
                found[rule] = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return found


def test_every_prompt_verdict_matches_what_the_old_client_meets(root: Path) -> None:
    old, new = (valid_side(f"{n}.yaml", cwd=root) for n in ("old", "new"))
    changes: dict[str, list[tuple[Level, str]]] = {}
    for change in diff_specs(old, new).changes:
        place = change.path.split("]")[0].removeprefix("prompts[")
        changes.setdefault(place, []).append((change.level, change.rule))
    found = anyio.run(outcomes, root)
    rows = []
    for rule in CASES:
        seen = changes.get(name(rule), [])
        assert {r for _, r in seen} == {rule}, (rule, seen)  # each case isolates it
        verdict = min((lvl for lvl, _ in seen), key=list(Level).index)
        rows.append((rule, verdict, found[rule]))
    table = "\n".join(f"{r:32} {v.value:6} {o}" for r, v, o in rows)
    assert all((v is Level.ERROR) == (o != "ok") for _, v, o in rows), table
    said = dict((r, o) for r, _, o in rows)
    assert "Unknown prompt: p_prompt_removed" in said["prompt-removed"], table
    assert "Extra inputs are not permitted" in said["prompt-argument-removed"], table
    assert changes[name("prompt-added")] == [(Level.INFO, "prompt-added")]


def test_every_prompt_rule_is_shown_here_or_listed_with_a_reason() -> None:
    prompt_rules = {rule for rule in RULES if rule.startswith("prompt-")}
    shown = {rule for rule in CASES if rule.startswith("prompt-")}
    assert shown | set(NOT_SHOWN) == prompt_rules
    assert shown.isdisjoint(NOT_SHOWN)
    # The tool harness lists them as not its own, pointing here.
    assert all("test_prompt_diff_contract" in NOT_SHOWN_BY_A_CALL[r] for r in shown)
