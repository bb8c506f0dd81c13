"""README's "Prompts and completions": its spec generated, its handlers used, and what
the section says of the running server checked through the SDK client and the typed
client (in process, both protocol eras)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Prompts and completions", 1)[1].split("\n## ", 1)[0]


def section_files() -> dict[str, str]:
    files = {}
    for block in re.findall(r"^```(?:yaml|python)\n(.*?)^```", section(), re.M | re.S):
        first, _, rest = block.partition("\n")
        files[first.removeprefix("# ").strip()] = rest
    return files


PROBE = """
import anyio, json, sys
import mcp_types as types
from mcp import Client
from mcp.shared.exceptions import MCPError
from reviews_server.client import ReviewsClient
from reviews_server.server import build_server

async def main(mode):
    out = {}
    async with Client(build_server(with_lifespan=False), mode=mode) as c:
        out["listed"] = [p.name for p in (await c.list_prompts()).prompts]
        r = await c.get_prompt("review", {"code": "{code}", "language": "go"})
        out["review"] = [m.content.model_dump(by_alias=True, exclude_none=True)
                         for m in r.messages]
        for name, args in [("review", {"code": "x", "depth": "9"}), ("nope", {})]:
            try:
                await c.get_prompt(name, args)
            except MCPError as exc:
                out.setdefault("errors", []).append(
                    [exc.error.code, exc.error.message])
        async def complete(prompt, arg, value):
            ref = types.PromptReference(type="ref/prompt", name=prompt)
            got = await c.complete(ref, {"name": arg, "value": value})
            return got.completion.values
        out["language"] = await complete("review", "language", "P")
        out["mood"] = await complete("standup", "mood", "")
        out["team"] = await complete("standup", "team", "w")
    async with ReviewsClient.connect(build_server(with_lifespan=False)) as client:
        messages = await client.prompt_review(code="x = 1", depth=2)
        out["typed"] = messages[0].content.text
        out["standup"] = (await client.prompt_standup(team="web"))[0].content.text
        out["typed_complete"] = await client.complete_standup("team", "d")
    return out

print(json.dumps([anyio.run(main, mode) for mode in ("auto", "legacy")]))
"""


def test_the_readme_prompts_section_works_as_written(tmp_path: Path) -> None:
    files = section_files()
    assert sorted(files) == [
        "reviews_server/handlers/complete_standup.py",
        "reviews_server/handlers/prompt_standup.py",
        "spec.yaml",
    ]
    (tmp_path / "spec.yaml").write_text(files.pop("spec.yaml"), encoding="utf-8")
    made = subprocess.run(
        [PYTHON, "-m", "mcpmint", "generate", "spec.yaml", "-o", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    for path, text in files.items():
        (tmp_path / path).write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    probe = subprocess.run(
        [PYTHON, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert probe.returncode == 0, probe.stderr
    auto, legacy = json.loads(probe.stdout)
    assert auto == legacy
    assert auto["listed"] == ["review", "standup"]
    assert auto["review"] == [
        {"type": "text", "text": "Review this go code at depth  ({strict}):\n{code}"},
        {
            "type": "resource",
            "resource": {"uri": "review://guide", "text": "Be kind."},
        },
    ]
    invalid, unknown = auto["errors"]
    assert invalid == [
        -32602,
        "Invalid arguments for prompt 'review':\n"
        "- depth: Input should be less than or equal to 3",
    ]
    assert unknown == [-32602, "Unknown prompt: nope"]
    assert auto["language"] == ["python"]
    assert auto["mood"] == ["calm", "busy", "on fire"]
    assert auto["team"] == ["web"]
    assert auto["typed"] == "Review this  code at depth 2 ({strict}):\nx = 1"
    assert auto["standup"] == "Summarise the web stand-up."
    assert auto["typed_complete"] == ["data"]


@pytest.mark.parametrize(
    "claim",
    [
        "Invalid arguments for prompt 'review':",
        "- depth: Input should\n  be less than or equal to 3",
        "`Unknown prompt: <name>`",
        "At most 100 values",
        "`handlers/prompt_<name>.py`",
        "`handlers/complete_<name>.py`",
    ],
)
def test_the_section_states_what_the_tests_show(claim: str) -> None:
    assert claim in section()
