"""`mcpmint diff`'s levels agree with what the typed client generated from OLD does
against a server generated from NEW (docs/diff-rules.md, "The contract with typed
clients").

contract_cases.py builds one old and one new spec with a tool per rule case. Both are
generated; the new server, its handlers returning each tool's new example result,
runs over stdio; the old client calls every tool with the old example's arguments.
For each tool the worst level of the changes under `tools[<tool>]` must be error
exactly when the call fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcpmint.specdiff.report import diff_specs, valid_side
from mcpmint.specdiff.rules import RULES, Level

from contract_cases import CASES, DEF_CASES, NOT_SHOWN_BY_A_CALL, Case, specs

pytestmark = pytest.mark.timeout(120)

# A server answering every tool of the new package with its first example's result.
SERVER = """\
from mcpmint_runtime.cli import main

from contract_new.examples import EXAMPLES
from contract_new.server import TOKEN_ENV, Handlers, build_server


def answer(tool):
    async def handler(args, ctx):
        return EXAMPLES[tool][0][1]

    return handler


handlers = Handlers(**{tool: answer(tool) for tool in EXAMPLES})
server = build_server(handlers, with_lifespan=False)
main(server, name="contract_new", transports=("stdio",), token_env=TOKEN_ENV)
"""
# What some failures say (docs/diff-rules.md and the README quote them).
SAYS = {
    "t_output_property_removed_required": "ResultMismatch: "
    "t_output_property_removed_required: the result does not fit this client (built "
    "for contract 1.0.0): w: Field required",
    "t_output_constraint_loosened": "Input should be less than or equal to 5",
    "t_output_enum_value_added": "ResultMismatch: t_output_enum_value_added: the "
    "result does not fit this client (built for contract 1.0.0): v: Input should be",
    "t_input_type_changed": "ToolError: t_input_type_changed: Invalid arguments for "
    "tool 't_input_type_changed': - v: Input should be a valid integer",
    "t_tool_removed": "UnknownTool: t_tool_removed: Unknown tool: t_tool_removed",
    "t_definition_renamed": "ImportError: cannot import name 'OldLevel' from "
    "'contract_new.models'",
}
# Every case's examples differ between the sides (old arguments, new results).
EXAMPLES_RULE = "tool-examples-changed"


@dataclass(frozen=True)
class Row:
    case: Case
    verdict: Level | None
    rules: frozenset[str]
    outcome: str  # "ok" or the error, one line

    @property
    def failed(self) -> bool:
        return self.outcome != "ok"


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("contract")
    for name, spec in zip(("old", "new"), specs(), strict=True):
        (root / f"{name}.yaml").write_text(json.dumps(spec, indent=1), "utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "mcpmint", "generate", f"{name}.yaml", "-o", name],
            cwd=root, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    (root / "serve_new.py").write_text(SERVER, "utf-8")
    sys.path.insert(0, str(root / "old"))
    try:
        yield root
    finally:
        sys.path.remove(str(root / "old"))


def _verdicts(root: Path) -> dict[str, list[tuple[Level, str]]]:
    """(level, rule) of each change, by the place it was made: a tool or a def."""
    old, new = (valid_side(f"{n}.yaml", cwd=root) for n in ("old", "new"))
    found: dict[str, list[tuple[Level, str]]] = {}
    for change in diff_specs(old, new).changes:
        place = change.path.split("]")[0] + "]" if "[" in change.path else change.path
        found.setdefault(place, []).append((change.level, change.rule))
    return found


def _place(case: Case) -> str:
    """Where the diff reports the case: its tool, or the def its old form uses."""
    if case in DEF_CASES:
        assert case.old is not None
        ref = case.old["inputSchema"]["properties"]["v"]["$ref"]
        return "$defs." + ref.rsplit("/", 1)[1]
    return f"tools[{case.tool}]"


def _worst(changes: list[tuple[Level, str]]) -> Level | None:
    levels = [level for level, rule in changes if rule != EXAMPLES_RULE]
    return min(levels, key=list(Level).index, default=None)


async def _outcomes(root: Path) -> dict[str, str]:
    """Each old tool called by the old client: "ok" or the error it raised."""
    from contract_old import client as old_client
    from mcpmint_runtime.compat import check_server

    env = {"PYTHONPATH": os.pathsep.join([str(root / "new"), str(root)])}
    command = f"{sys.executable} {root / 'serve_new.py'} stdio"
    outcomes: dict[str, str] = {}
    async with old_client.ContractOldClient.connect(
        command, env=env, check=False, timeout=30
    ) as client:
        for case in CASES:
            if case.old is None:  # tool-added: the old client's own check still passes
                try:
                    await check_server(client.client, command, *_built_for(old_client))
                    outcomes[case.tool] = "ok"
                except Exception as exc:  # noqa: BLE001 - the outcome is the report
                    outcomes[case.tool] = f"{type(exc).__name__}: {exc}"
                continue
            arguments = case.old["examples"][0]["arguments"]  # what OLD documents
            try:
                await getattr(client, case.tool)(**arguments)
                outcomes[case.tool] = "ok"
            except Exception as exc:  # noqa: BLE001 - the outcome is the report
                text = " ".join(str(exc).split())
                outcomes[case.tool] = f"{type(exc).__name__}: {text[:160]}"
    return outcomes


def _built_for(old_client: Any) -> tuple[str, str, list[str]]:
    """What the old client checks at connect, less the tools other cases remove."""
    kept = {c.tool for c in CASES if c.new is not None and c.new_name is None}
    tools = [t for t in old_client.TOOLS if t in kept]
    return old_client.SERVER_NAME, old_client.SERVER_VERSION, tools


def _import_outcome(root: Path, case: Case) -> str:
    """Whether the old models' name for the case's def still exists in the new ones."""
    name = _place(case).removeprefix("$defs.")
    probe = f"from contract_new.models import {name}"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(root / "new")},
    )  # fmt: skip
    return "ok" if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def _table(rows: list[Row]) -> str:
    """rule (and the tool, when it says more) → verdict → outcome, a line each."""
    lines = [f"{'rule':52} {'verdict':8} outcome"]
    for row in rows:
        rule, tool = row.case.rule, row.case.tool
        label = rule if tool == f"t_{rule.replace('-', '_')}" else f"{rule} ({tool})"
        verdict = row.verdict.value if row.verdict else "none"
        lines.append(f"{label:52} {verdict:8} {row.outcome}")
    return "\n".join(lines)


def test_every_verdict_matches_what_the_old_client_meets(sides: Path) -> None:
    verdicts = _verdicts(sides)
    outcomes = anyio.run(_outcomes, sides)
    rows = []
    for case in CASES:
        changes = verdicts.get(_place(case), [])
        outcome = (
            _import_outcome(sides, case) if case in DEF_CASES else outcomes[case.tool]
        )
        rules = frozenset(rule for _, rule in changes) - {EXAMPLES_RULE}
        rows.append(Row(case, _worst(changes), rules, outcome))
    table = _table(rows)
    # Each tool shows the rule it is named for, and only that rule.
    wrong = [r.case.tool for r in rows if r.rules != {r.case.rule} | r.case.extra_rules]
    assert not wrong, f"cases that do not isolate their rule: {wrong}\n{table}"
    disagree = [r for r in rows if (r.verdict is Level.ERROR) != r.failed]
    assert not disagree, (
        "verdict and behaviour disagree:\n"
        + _table(disagree)
        + ("\n\nall cases:\n" + table)
    )
    said = {r.case.tool: r.outcome for r in rows if r.case.tool in SAYS}
    assert all(SAYS[tool] in text for tool, text in said.items()), table


def test_every_rule_is_shown_by_a_call_or_listed_with_a_reason() -> None:
    shown = {case.rule for case in CASES}
    assert shown.isdisjoint(NOT_SHOWN_BY_A_CALL)
    assert shown | set(NOT_SHOWN_BY_A_CALL) == set(RULES)
