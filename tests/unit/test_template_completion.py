"""Completions of resource template variables: the rules of a template's `complete:`
(each problem located), the candidates lowered from it and from enums, and the
runtime's table built from resources.json's entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcpmint_runtime.completion import template_completions

from mcpmint.codegen.template_completion import candidates
from mcpmint.pipeline import diagnose
from mcpmint.spec.format import ResourceTemplate
from mcpmint.spec.template_completion_rules import template_completer_name

HEAD = (
    "mcpmint: 1\nserver: {name: p, version: '1'}\n"
    "tools:\n  - {name: t, description: d, inputSchema: {type: object}}\n"
)
TEMPLATE = (
    "resourceTemplates:\n"
    "  - uriTemplate: 'x://{kind}/{name}'\n"
    "    name: thing\n"
    "    variables:\n"
    "      kind: {type: string, enum: [book, film]}\n"
    "      name: {type: string}\n"
)


def problems(tmp_path: Path, text: str) -> list[str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEAD + text, encoding="utf-8")
    return [d.format().split("spec.yaml:", 1)[1] for d in diagnose(spec)[1]]


def test_a_handler_and_a_list_are_accepted(tmp_path: Path) -> None:
    text = TEMPLATE + "    complete:\n      name: {handler: true}\n"
    assert problems(tmp_path, text) == []
    text = TEMPLATE + "    complete:\n      name: {values: [dune, emma]}\n"
    assert problems(tmp_path, text) == []


AT = "12:7: error: resourceTemplates[0].complete."


@pytest.mark.parametrize(
    ("complete", "expected"),
    [
        (
            "title: {handler: true}",
            AT + "title: 'title' is not a variable of the template\n"
            "  hint: the template's variables: kind, name",
        ),
        (
            "name: {values: [a], handler: true}",
            AT + "name: `complete` takes `values` or `handler: true`, not both",
        ),
        (
            "name: {}",
            AT + "name: completing 'name' needs `values` or `handler: true`\n"
            "  hint: a variable with an enum is completed from it without `complete`",
        ),
        (
            "kind: {values: [book]}",
            "12:14: error: resourceTemplates[0].complete.kind.values: the schema of "
            "'kind' already lists its candidates (enum)\n"
            "  hint: drop this entry (the enum is offered) or the enum",
        ),
        (
            "name: {values: [1]}",
            "12:23: error: resourceTemplates[0].complete.name.values[0]: Input should "
            'be a valid string\n  hint: quote it: "1"',
        ),
    ],
)
def test_a_bad_complete_entry_is_a_located_error(
    tmp_path: Path, complete: str, expected: str
) -> None:
    text = TEMPLATE + "    complete:\n      " + complete + "\n"
    assert problems(tmp_path, text) == [expected]


def test_a_completion_handler_name_taken_by_a_prompt_is_refused(
    tmp_path: Path,
) -> None:
    prompt = (
        "prompts:\n  - name: read-thing\n"
        "    messages: [{role: user, content: {type: text, text: hi}}]\n"
    )
    found = problems(
        tmp_path, TEMPLATE + "    complete:\n      name: {handler: true}\n" + prompt
    )
    assert found == [
        "7:5: error: resourceTemplates[0].name: the completion handler of 'thing' "
        "would be 'complete_read_thing', as prompts[0]'s is\n"
        "  hint: rename one of them"
    ]


def test_candidates_come_from_enums_lists_and_handlers_in_variable_order() -> None:
    template = ResourceTemplate.model_validate(
        {
            "uriTemplate": "x://{n}/{kind}/{name}/{free}",
            "name": "thing",
            "variables": {
                "n": {"type": "integer", "enum": [1, 2]},
                "kind": {"type": "string", "enum": ["book", "film"]},
                "name": {"type": "string"},
                "free": {"type": "string"},
            },
            "complete": {"name": {"handler": True}},
        }
    )
    assert candidates(template) == {
        "n": ["1", "2"],
        "kind": ["book", "film"],
        "name": "handler",
    }
    assert template_completer_name("user-profile") == "complete_read_user_profile"


def test_the_runtime_table_is_keyed_by_uri_template() -> None:
    class Handlers:
        async def complete_read_thing(self, *args: object) -> list[str]:
            return []

    handlers = Handlers()
    data = json.loads(
        '[{"uriTemplate": "x://{kind}/{name}", "complete": '
        '{"kind": ["book"], "name": "handler"}, "completer": "complete_read_thing"},'
        '{"uriTemplate": "y://{id}", "complete": {}}]'
    )
    table = template_completions(data, handlers)
    assert list(table) == [
        ("ref/resource", "x://{kind}/{name}"),
        ("ref/resource", "y://{id}"),
    ]
    thing = table[("ref/resource", "x://{kind}/{name}")]
    assert thing["kind"].values == ("book",)
    assert thing["name"].handler == handlers.complete_read_thing
    assert table[("ref/resource", "y://{id}")] == {}
