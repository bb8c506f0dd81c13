"""Names that collide once made Python are refused, and so are $refs to URLs or to
files outside the spec's reference root: each with a diagnostic at the offending line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from generated_support import refusal, write_spec

pytestmark = pytest.mark.usefixtures("format_cache")

COLLIDING = [
    ("a.b", "a_b"),
    ("getX", "get_x"),
    ("class", "class_"),
    ("print", "print_tool"),
    ("__init__", "init"),
    ("-", "tool"),
    ("1a", "tool_1a"),
    ("A", "a"),
    ("get-forecast", "GetForecast"),
    ("x", "x-"),
]


@pytest.mark.parametrize(
    "first,second", COLLIDING, ids=[f"{a}~{b}" for a, b in COLLIDING]
)
def test_tool_names_that_collide_in_python_are_refused_at_the_second_name(
    tmp_path: Path, first: str, second: str
) -> None:
    text = (
        "mcpmint: 1\nserver: {name: coll, version: '1'}\ntools:\n"
        f"  - {{name: {json.dumps(first)}, description: d, inputSchema: {{type: object}}}}\n"
        f"  - {{name: {json.dumps(second)}, description: d, inputSchema: {{type: object}}}}\n"
    )
    error = refusal(write_spec(tmp_path, text))
    assert [(d.line, d.path) for d in error.diagnostics if d.level == "error"] == [
        (5, "tools[1].name")
    ], str(error)


REFS = {
    "http": "http://127.0.0.1:9/schema.json",
    "https": "https://127.0.0.1:9/schema.json#/$defs/X",
    "upper-scheme": "HTTPS://127.0.0.1:9/x.json",
    "file-url": "file:///etc/passwd",
    "scheme-relative": "//127.0.0.1:9/x.json",
    "absolute": "/etc/passwd",
    "parent": "../outside.yaml#/$defs/X",
    "deep-parent": "sub/../../outside.yaml#/$defs/X",
    "symlink": "link.yaml#/$defs/X",
    "dev": "/dev/zero",
}


@pytest.mark.parametrize("where", ["input", "output", "defs"])
@pytest.mark.parametrize("ref", list(REFS.values()), ids=list(REFS))
def test_refs_to_urls_and_outside_the_root_are_refused_where_they_are(
    tmp_path: Path, ref: str, where: str
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside.yaml").write_text("$defs: {X: {type: string}}\n")
    (root / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    target = json.dumps(ref)
    lines = ["mcpmint: 1", "server: {name: refs, version: '1'}"]
    if where == "defs":
        lines += ["$defs:", f"  X: {{$ref: {target}}}"]
        target = json.dumps("#/$defs/X")
    lines += ["tools:", "  - name: probe", "    description: d"]
    output = f"{{type: object, properties: {{x: {{$ref: {target}}}}}}}"
    plain = "{type: object, properties: {x: {type: string}}}"
    lines += [f"    inputSchema: {output if where == 'input' else plain}"]
    if where == "output":
        lines += [f"    outputSchema: {output}"]
    ref_line = 4 if where == "defs" else len(lines)
    error = refusal(write_spec(root, "\n".join(lines) + "\n"))
    errors = [d for d in error.diagnostics if d.level == "error"]
    assert errors and all(
        d.line == ref_line and d.path.endswith("$ref") for d in errors
    ), str(error)
