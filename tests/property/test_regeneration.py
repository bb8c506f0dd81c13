"""Regeneration never loses a user byte, and always equals a fresh generation.

Random sequences of spec edits (tools added, removed, renamed properties, changed types
and descriptions) and user edits (handler files rewritten, new files beside them), each
followed by `generate`. After every step: every file the user wrote is byte-identical to
what they wrote, and every generated file equals a fresh generation of the same spec.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcpmint import build, generate
from mcpmint.output.write import is_generated

EXAMPLES = int(os.environ.get("MCPMINT_PROPERTY_EXAMPLES", "150"))

BASE: dict[str, Any] = {
    "mcpmint": 1,
    "server": {"name": "prop", "version": "1.0.0", "package": "prop_server"},
    "tools": [
        {
            "name": "alpha",
            "description": "First.",
            "inputSchema": {
                "type": "object",
                "properties": {"a": {"type": "string"}},
                "required": ["a"],
            },
            "outputSchema": {
                "type": "object",
                "properties": {"n": {"type": "integer"}},
                "required": ["n"],
            },
        },
        {"name": "beta", "description": "Second.", "inputSchema": {"type": "object"}},
    ],
}
NAMES = ["alpha", "beta", "gamma", "delta-x", "eps.y"]
TYPES = [
    {"type": "string"},
    {"type": "integer", "minimum": 0},
    {"type": "array", "items": {"type": "number"}},
    {"enum": ["a", "b"]},
]

spec_edit = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(NAMES)),
    st.tuples(st.just("remove"), st.integers(0, 4)),
    st.tuples(
        st.just("prop"),
        st.integers(0, 4),
        st.sampled_from(["a", "b", "class", "first-name"]),
        st.sampled_from(range(len(TYPES))),
    ),
    st.tuples(st.just("rename"), st.integers(0, 4)),
    st.tuples(st.just("describe"), st.integers(0, 4), st.text(max_size=30)),
    st.tuples(st.just("output"), st.integers(0, 4)),
)
user_edit = st.tuples(st.just("user"), st.integers(0, 4), st.text(max_size=40))
steps = st.lists(st.one_of(spec_edit, user_edit), min_size=1, max_size=4)


def apply(spec: dict[str, Any], edit: tuple[Any, ...]) -> None:
    tools = spec["tools"]
    kind = edit[0]
    if kind == "add" and edit[1] not in [t["name"] for t in tools]:
        tools.append(
            {"name": edit[1], "description": "New.", "inputSchema": {"type": "object"}}
        )
    elif not tools:
        return
    tool = tools[edit[1] % len(tools)] if kind != "add" else None
    if tool is None:
        return
    if kind == "remove" and len(tools) > 1:
        tools.remove(tool)
    elif kind == "prop":
        tool["inputSchema"].setdefault("properties", {})[edit[2]] = copy.deepcopy(
            TYPES[edit[3]]
        )
    elif kind == "rename":
        props = tool["inputSchema"].get("properties", {})
        if props:
            old = sorted(props)[0]
            props[old + "_renamed"] = props.pop(old)
            required = tool["inputSchema"].get("required", [])
            tool["inputSchema"]["required"] = [
                old + "_renamed" if r == old else r for r in required
            ]
    elif kind == "describe":
        tool["description"] = edit[2] or "Changed."
    elif kind == "output":
        if "outputSchema" in tool:
            del tool["outputSchema"]
        else:
            tool["outputSchema"] = {
                "type": "object",
                "properties": {"ok": {"type": "boolean"}},
            }


def user_files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not is_generated(p)
    }


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(steps)
def test_regeneration_keeps_every_user_byte_and_matches_a_fresh_generation(
    tmp_path_factory: Any, edits: list[tuple[Any, ...]]
) -> None:
    root = tmp_path_factory.mktemp("regen")
    spec_path = root / "spec.yaml"
    out = root / "out"
    spec = copy.deepcopy(BASE)
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    generate(spec_path, out)
    written: dict[str, bytes] = {}
    for edit in edits:
        if edit[0] == "user":
            handlers = sorted((out / "prop_server" / "handlers").glob("*.py"))
            target = handlers[edit[1] % len(handlers)]
            text = target.read_text(encoding="utf-8") + f"# user: {edit[2]!r}\n"
            target.write_text(text, encoding="utf-8")
            (out / "prop_server" / "notes.txt").write_text(edit[2], encoding="utf-8")
            written[target.relative_to(out).as_posix()] = text.encode("utf-8")
            written["prop_server/notes.txt"] = edit[2].encode("utf-8")
        else:
            apply(spec, edit)
            spec_path.write_text(
                yaml.safe_dump(spec, sort_keys=False), encoding="utf-8"
            )
        before = user_files(out)
        generate(spec_path, out)
        after = user_files(out)
        # No user byte lost: every file without the generated header is still there, unchanged.
        for name, data in before.items():
            assert after.get(name) == data, name
        for name, data in written.items():
            assert after[name] == data, name
        fresh = build(spec_path, out)
        on_disk = {
            p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
            for p in out.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and is_generated(p)
        }
        expected = {
            str(k): f.text for k, f in fresh.files.items() if f.owner == "generated"
        }
        assert on_disk == expected
