"""`mcpmint diff`'s verdicts on a resource template's `complete:` agree with what the
typed client generated from OLD meets when it completes each variable against a server
generated from NEW (the completion half of tests/e2e/test_diff_contract.py).

Two pairs of specs: one where the new server still answers completion/complete (a
template per case), one where the only completion is removed and nothing else is
completed. The new server runs over stdio; a case's worst level is error exactly when
completing fails.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from contract_cases import NOT_SHOWN_BY_A_CALL

from mcpmint import generate
from mcpmint.specdiff.report import diff_specs, valid_side
from mcpmint.specdiff.rules import RULES, Level

pytestmark = pytest.mark.timeout(120)

Template = dict[str, Any]


def template(**complete: Any) -> Template:
    variables = {"a": {"type": "string"}, "b": {"type": "string"}}
    return {"variables": variables, "complete": complete}


X, Y = {"values": ["x1", "x2"]}, {"values": ["y1"]}
# rule -> (old template, new template, the variable the old client completes)
SERVED: dict[str, tuple[Template, Template, str]] = {
    "resource-template-completion-removed": (template(a=X, b=Y), template(b=Y), "a"),
    "resource-template-completion-added": (template(a=X), template(a=X, b=Y), "a"),
    "resource-template-completion-changed": (template(a=X), template(a=Y), "a"),
}
UNSERVED = {"resource-template-completion-unserved": (template(a=X), template(), "a")}


def name(rule: str) -> str:
    return "t_" + rule.removeprefix("resource-template-completion-")


def spec(
    pair: str, cases: dict[str, tuple[Template, Template, str]], side: int
) -> dict[str, Any]:
    templates = [
        {"uriTemplate": f"c://{name(r)}/{{a}}/{{b}}", "name": name(r), **forms[side]}
        for r, forms in cases.items()
    ]
    package = f"{pair}_{('old', 'new')[side]}"
    server = {"name": pair, "version": "1.0.0", "package": package}
    return {"mcpmint": 1, "server": server, "resourceTemplates": templates}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("cdiff")
    for pair, cases in (("served", SERVED), ("unserved", UNSERVED)):
        for side in (0, 1):
            label = f"{pair}_{('old', 'new')[side]}"
            path = root / f"{label}.yaml"
            path.write_text(json.dumps(spec(pair, cases, side), indent=1), "utf-8")
            generate(path, root / label)
    for pair in ("served", "unserved"):
        sys.path.insert(0, str(root / f"{pair}_old"))
    try:
        yield root
    finally:
        for pair in ("served", "unserved"):
            sys.path.remove(str(root / f"{pair}_old"))


async def outcomes(root: Path, pair: str, cases: dict[str, Any]) -> dict[str, str]:
    """Each case's variable completed by the old client: "ok" or the error."""
    module = __import__(f"{pair}_old.client", fromlist=["_"])
    client_class = getattr(module, f"{pair.capitalize()}OldClient")
    env = {"PYTHONPATH": str(root / f"{pair}_new")}
    command = f"{sys.executable} -m {pair}_new stdio"
    found: dict[str, str] = {}
    async with client_class.connect(command, env=env, timeout=30) as client:
        for rule, (_, _, variable) in cases.items():
            try:
                await getattr(client, f"complete_read_{name(rule)}")(variable, "")
                found[rule] = "ok"
            except Exception as exc:  # noqa: BLE001 - the outcome is the report
                found[rule] = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return found


@pytest.mark.parametrize("pair", ["served", "unserved"])
def test_every_completion_verdict_matches_what_the_old_client_meets(
    root: Path, pair: str
) -> None:
    cases = SERVED if pair == "served" else UNSERVED
    old, new = (valid_side(f"{pair}_{n}.yaml", cwd=root) for n in ("old", "new"))
    changes: dict[str, list[tuple[Level, str]]] = {}
    for change in diff_specs(old, new).changes:
        place = change.path.split("]")[0].removeprefix("resourceTemplates[")
        changes.setdefault(place, []).append((change.level, change.rule))
    found = anyio.run(outcomes, root, pair, cases)
    rows = []
    for rule in cases:
        seen = changes.get(name(rule), [])
        assert {r for _, r in seen} == {rule}, (rule, seen)  # each case isolates it
        verdict = min((lvl for lvl, _ in seen), key=list(Level).index)
        rows.append((rule, verdict, found[rule]))
    table = "\n".join(f"{r:40} {v.value:6} {o}" for r, v, o in rows)
    assert all((v is Level.ERROR) == (o != "ok") for _, v, o in rows), table


def test_every_completion_rule_is_shown_here() -> None:
    rules = {rule for rule in RULES if rule.startswith("resource-template-completion")}
    assert set(SERVED) | set(UNSERVED) == rules
    assert all("test_template_completion_diff_contract" in NOT_SHOWN_BY_A_CALL[r]
               for r in rules)  # fmt: skip
