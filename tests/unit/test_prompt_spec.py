"""Prompts: placeholder parsing, the rules of `prompts:`, what prompts.json holds,
and the runtime's argument reading, rendering and completion lists."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from mcp.shared.exceptions import MCPError
from mcpmint_runtime.completion import MAX_VALUES, completion, matching
from mcpmint_runtime.prompts import PromptEntry, fill, from_wire, typed_arguments
from pydantic import BaseModel, ConfigDict

from mcpmint.pipeline import diagnose
from mcpmint.spec.placeholders import Placeholder, PlaceholderError, as_json, parse

HEAD = (
    "mcpmint: 1\nserver: {name: p, version: '1'}\n"
    "tools:\n  - {name: t, description: d, inputSchema: {type: object}}\n"
)


def problems(tmp_path: Path, prompts: str) -> list[str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEAD + "prompts:\n" + prompts, encoding="utf-8")
    return [d.format() for d in diagnose(spec)[1]]


def test_placeholders_split_a_text_into_literals_and_argument_names() -> None:
    assert parse("Hi {name}, {{literal}} }} {{") == [
        "Hi ",
        Placeholder("name"),
        ", {literal} } {",
    ]
    assert as_json(parse("no {{placeholders}}")) == "no {placeholders}"
    assert as_json(parse("{a}{b}")) == [{"arg": "a"}, {"arg": "b"}]


@pytest.mark.parametrize("text", ["{", "a } b", "{}", "{a{b}", "x {name"])
def test_an_unbalanced_or_empty_brace_is_refused(text: str) -> None:
    with pytest.raises(PlaceholderError, match="literal brace"):
        parse(text)


@pytest.mark.parametrize(
    "value", ["{x}", "{{", "}}", "__class__", "{0.__class__}", "{name}", "%s", "$x"]
)
def test_a_hostile_argument_value_is_inserted_literally(value: str) -> None:
    parts = as_json(parse("<{name}>"))
    assert fill(parts, {"name": value}) == f"<{value}>"


def test_an_optional_argument_left_out_renders_as_empty() -> None:
    assert fill(as_json(parse("a{x}b")), {}) == "ab"


def test_wire_strings_become_the_argument_type() -> None:
    assert from_wire("integer", "42") == 42
    assert from_wire("number", "2.5") == 2.5
    assert from_wire("boolean", "true") is True
    assert from_wire("string", "007") == "007"
    for kind, text in [("integer", "4.2"), ("number", "nan"), ("boolean", "yes")]:
        with pytest.raises(ValueError):
            from_wire(kind, text)


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: int


def test_a_bad_argument_is_an_invalid_params_error_naming_it() -> None:
    entry = PromptEntry(
        types.Prompt(name="p"), _Args, kinds={"n": "integer"}, messages=[]
    )
    assert typed_arguments(entry, {"n": "3"}) == _Args(n=3)
    with pytest.raises(MCPError) as caught:
        typed_arguments(entry, {"n": "three", "m": "x"})
    assert caught.value.error.code == types.INVALID_PARAMS
    assert caught.value.error.message.splitlines() == [
        "Invalid arguments for prompt 'p':",
        "- n: 'three' is not an integer",
    ]
    with pytest.raises(MCPError) as extra:
        typed_arguments(entry, {"n": "1", "m": "x"})
    assert extra.value.error.message.splitlines()[1:] == [
        "- m: Extra inputs are not permitted"
    ]


def test_completions_are_capped_at_100_with_total_and_has_more() -> None:
    values = [f"v{i}" for i in range(150)]
    result = completion(values)
    assert (len(result.values), result.total, result.has_more) == (
        MAX_VALUES,
        150,
        True,
    )
    assert completion(values[:3]).has_more is False
    assert matching(["Paris", "park", "Rome"], "PA") == ["Paris", "park"]


def test_a_valid_prompts_section_has_no_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    assert (
        problems(
            tmp_path,
            "  - name: greet\n"
            "    arguments:\n"
            "      - {name: who, required: true, complete: {values: [Ann, Bob]}}\n"
            "      - {name: n, schema: {type: integer, minimum: 1}}\n"
            "    messages:\n"
            "      - role: user\n"
            "        content: {type: text, text: 'Hi {who} x{n} {{ok}}'}\n"
            "      - role: user\n"
            "        content: {type: image, file: a.png}\n",
        )
        == []
    )


def test_an_unknown_key_in_a_prompt_gets_a_did_you_mean(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "  - name: p\n    handler: true\n    argumnts: []\n",
    )
    assert found == [
        f"{tmp_path / 'spec.yaml'}:8:5: error: prompts[0].argumnts: "
        "unknown key 'argumnts'\n  hint: did you mean 'arguments'?"
    ]


def test_prompts_json_holds_parts_and_bundled_files(tmp_path: Path) -> None:
    from mcpmint.pipeline import build

    (tmp_path / "a.png").write_bytes(b"\x89PNG-bytes")
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        HEAD + "prompts:\n"
        "  - name: greet\n"
        "    arguments: [{name: who}]\n"
        "    messages:\n"
        "      - role: user\n"
        "        content: {type: text, text: 'Hi {who}'}\n"
        "      - role: assistant\n"
        "        content: {type: image, file: a.png}\n",
        encoding="utf-8",
    )
    files = build(spec, tmp_path / "out").files
    data: dict[str, Any] = json.loads(files[Path("p_server/prompts.json")].text)
    (prompt,) = data["prompts"]
    assert prompt["prompt"] == {
        "name": "greet",
        "arguments": [{"name": "who", "required": False}],
    }
    assert [m["content"] for m in prompt["messages"]] == [
        {"type": "text", "text": ["Hi ", {"arg": "who"}]},
        {
            "type": "image",
            "data": base64.b64encode(b"\x89PNG-bytes").decode(),
            "mimeType": "image/png",
        },
    ]
