"""One old and one new spec for tests/e2e/test_diff_contract.py: a tool per rule case.

Each tool's two forms differ only by its rule's edit (and their examples). The old
example's arguments are what the old typed client sends; the new example's result is
what the new server answers (its handlers return it whatever the arguments).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

Schema = dict[str, Any]
S: Schema = {"type": "string"}
N: Schema = {"type": "integer"}  # a number
NO_ARGS: Schema = {"type": "object"}


@dataclass(frozen=True)
class Case:
    """A tool that exists as `old` in the old spec and as `new` in the new one."""

    tool: str
    rule: str
    old: dict[str, Any] | None  # the tool's fields (no name); None: absent
    new: dict[str, Any] | None
    new_name: str | None = None  # for a renamed tool
    extra_rules: frozenset[str] = field(default_factory=frozenset)


def _tool(inp: Schema, out: Schema | None, args: Any, result: Any) -> dict[str, Any]:
    tool: dict[str, Any] = {"inputSchema": inp}
    if out is not None:
        tool["outputSchema"] = out
    tool["examples"] = [{"arguments": args, "result": result}]
    return tool


def obj(props: Schema, required: list[str] | None = None, **more: Any) -> Schema:
    """An object schema; every property required unless `required` says otherwise."""
    need = list(props) if required is None else required
    return {"type": "object", "properties": props, "required": need, **more}


def inp(rule: str, old: Schema, new: Schema, args: Any, new_args: Any = None) -> Case:
    """An input edit: both forms return the text "ok"."""
    new_args = args if new_args is None else new_args
    return Case(
        f"t_{rule.replace('-', '_')}",
        rule,
        _tool(old, None, args, "ok"),
        _tool(new, None, new_args, "ok"),
    )


def arg(rule: str, old: Schema, new: Schema, sent: Any, new_sent: Any = None) -> Case:
    """An input edit of the one required argument `v`."""
    new_sent = sent if new_sent is None else new_sent
    return inp(rule, obj({"v": old}), obj({"v": new}), {"v": sent}, {"v": new_sent})


def out(
    rule: str,
    old: Schema,
    new: Schema,
    result: Any,
    old_result: Any = None,
    tag: str = "",
) -> Case:
    """An output edit: no arguments, the new server returns `result`."""
    old_result = result if old_result is None else old_result
    return Case(
        f"t_{rule.replace('-', '_')}{tag}",
        rule,
        _tool(NO_ARGS, old, {}, old_result),
        _tool(NO_ARGS, new, {}, result),
    )


def val(rule: str, old: Schema, new: Schema, value: Any, old_value: Any = None) -> Case:
    """An output edit of the one required property `v`."""
    old_value = value if old_value is None else old_value
    return out(rule, obj({"v": old}), obj({"v": new}), {"v": value}, {"v": old_value})


def _enum(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


def _max(bound: int, **more: Any) -> Schema:
    return {"type": "integer", "maximum": bound, **more}


def _closed(props: Schema, **more: Any) -> Schema:
    return obj(props, additionalProperties=False, **more)


ANY_OF_SI: Schema = {"anyOf": [S, N]}
ANY_OF_SIB: Schema = {"anyOf": [S, N, {"type": "boolean"}]}
ALL_OF_1: Schema = {"type": "integer", "allOf": [{"minimum": 0}]}
ALL_OF_2: Schema = {"type": "integer", "allOf": [{"minimum": 0}, {"maximum": 5}]}
NULLABLE: Schema = {"type": ["string", "null"]}
NESTED_OPEN: Schema = obj({"a": S})
NESTED_CLOSED: Schema = _closed({"a": S})
NESTED_CLOSED_AB: Schema = _closed({"a": S, "b": S}, required=["a"])
LEVEL: Schema = _enum("low", "high")


INPUT_CASES = [
    arg("input-type-narrowed", NULLABLE, S, None, "x"),
    arg("input-type-widened", N, {"type": "number"}, 3),
    arg("input-type-changed", S, N, "x", 1),
    arg("input-enum-value-removed", _enum("a", "b"), _enum("a"), "b", "a"),
    arg("input-enum-value-added", _enum("a"), _enum("a", "b"), "a"),
    arg("input-values-restricted", S, _enum("a"), "z", "a"),
    arg("input-values-unrestricted", _enum("a"), S, "a"),
    arg("input-constraint-tightened", _max(10), _max(5), 8, 3),
    arg("input-constraint-loosened", _max(5), _max(10), 3),
    arg("input-constraint-changed", {**S, "pattern": "^a"}, {**S, "pattern": "^b"},
        "abc", "bcd"),
    inp("input-property-added", obj({"v": S}), obj({"v": S, "w": S}, ["v"]),
        {"v": "x"}),
    inp("input-property-added-required", obj({"v": S}), obj({"v": S, "w": S}),
        {"v": "x"}, {"v": "x", "w": "y"}),
    inp("input-property-required", obj({"v": S, "w": S}, ["v"]), obj({"v": S, "w": S}),
        {"v": "x"}, {"v": "x", "w": "y"}),
    inp("input-property-optional", obj({"v": S, "w": S}), obj({"v": S, "w": S}, ["v"]),
        {"v": "x", "w": "y"}),
    inp("input-property-removed", obj({"v": S, "w": S}), obj({"v": S}),
        {"v": "x", "w": "y"}),
    inp("input-property-removed-closed", _closed({"v": S, "w": S}), _closed({"v": S}),
        {"v": "x", "w": "y"}, {"v": "x"}),
    # The typed client sends only declared parameters: an extra key rides in a
    # nested object, which the old model keeps and sends.
    arg("input-additional-properties-closed", NESTED_OPEN, NESTED_CLOSED,
        {"a": "x", "extra": 1}, {"a": "x"}),
    arg("input-additional-properties-opened", NESTED_CLOSED, NESTED_OPEN, {"a": "x"}),
    inp("input-subschema-closed", obj({"v": S, "w": S}, ["v"]),
        obj({"v": S, "w": False}, ["v"]), {"v": "x", "w": "y"}, {"v": "x"}),
    inp("input-subschema-opened", obj({"v": S, "w": False}, ["v"]),
        obj({"v": S, "w": S}, ["v"]), {"v": "x"}),
    arg("input-branch-added", ANY_OF_SI, ANY_OF_SIB, "x"),
    arg("input-branch-removed", ANY_OF_SI, {"anyOf": [S]}, 5, "x"),
    arg("input-allof-branch-added", ALL_OF_1, ALL_OF_2, 8, 3),
    arg("input-allof-branch-removed", ALL_OF_2, ALL_OF_1, 3),
    inp("input-default-changed", obj({"v": {**N, "default": 1}}, []),
        obj({"v": {**N, "default": 2}}, []), {}),
    arg("schema-doc-changed", {**S, "description": "A"}, {**S, "description": "B"},
        "x"),
    arg("schema-deprecated", S, {**S, "deprecated": True}, "x"),
]  # fmt: skip

OUTPUT_CASES = [
    val("output-type-narrowed", NULLABLE, S, "x"),
    val("output-type-widened", S, NULLABLE, None, "x"),
    val("output-type-changed", S, N, 5, "x"),
    val("output-enum-value-removed", _enum("a", "b"), _enum("a"), "a"),
    val("output-enum-value-added", _enum("a"), _enum("a", "b"), "b", "a"),
    val("output-values-restricted", S, _enum("a"), "a"),
    val("output-values-unrestricted", _enum("a"), S, "z", "a"),
    val("output-constraint-tightened", _max(10), _max(5), 3),
    val("output-constraint-loosened", _max(5), _max(10), 8, 3),
    val("output-constraint-changed", {**S, "pattern": "^a"}, {**S, "pattern": "^b"},
        "bcd", "abc"),
    out("output-constraint-loosened", obj({"v": {**S, "format": "date"}}),
        obj({"v": S}), {"v": "soon"}, {"v": "2025-01-02"}, tag="_format"),
    # A closed object gains a property: the old client leaves it out, at any depth.
    out("output-property-added", _closed({"v": S}), _closed({"v": S, "w": S}),
        {"v": "x", "w": "y"}, {"v": "x"}),
    out("output-property-added", obj({"v": NESTED_CLOSED}),
        obj({"v": NESTED_CLOSED_AB}), {"v": {"a": "x", "b": "y"}}, {"v": {"a": "x"}},
        tag="_nested"),
    out("output-property-added", obj({"v": {"type": "array", "items": NESTED_CLOSED}}),
        obj({"v": {"type": "array", "items": NESTED_CLOSED_AB}}),
        {"v": [{"a": "x", "b": "y"}]}, {"v": [{"a": "x"}]}, tag="_in_items"),
    out("output-property-added",
        obj({"v": {"anyOf": [NESTED_CLOSED, {"type": "null"}]}}),
        obj({"v": {"anyOf": [NESTED_CLOSED_AB, {"type": "null"}]}}),
        {"v": {"a": "x", "b": "y"}}, {"v": {"a": "x"}}, tag="_in_union"),
    out("output-property-added",
        {"type": "object", "anyOf": [NESTED_CLOSED, _closed({"n": N})]},
        {"type": "object", "anyOf": [NESTED_CLOSED_AB, _closed({"n": N})]},
        {"a": "x", "b": "y"}, {"a": "x"}, tag="_in_root_union"),
    # ...but where the old object typed its other keys, the new key must fit that type.
    replace(out("output-property-added", obj({"v": S}, additionalProperties=N),
                obj({"v": S, "w": S}, ["v"], additionalProperties=N),
                {"v": "x", "w": "y"}, {"v": "x"}, tag="_over_typed_extras"),
            extra_rules=frozenset({"output-type-changed"})),
    out("output-property-removed", obj({"v": S, "w": S}, ["v"]), obj({"v": S}),
        {"v": "x"}, {"v": "x", "w": "y"}),
    out("output-property-removed-required", obj({"v": S, "w": S}),
        obj({"v": S}), {"v": "x"}, {"v": "x", "w": "y"}),
    out("output-property-optional", obj({"v": S, "w": S}),
        obj({"v": S, "w": S}, ["v"]), {"v": "x"}, {"v": "x", "w": "y"}),
    out("output-property-required", obj({"v": S, "w": S}, ["v"]),
        obj({"v": S, "w": S}), {"v": "x", "w": "y"}),
    out("output-additional-properties-closed", obj({"v": S}), _closed({"v": S}),
        {"v": "x"}),
    out("output-additional-properties-opened", _closed({"v": S}), obj({"v": S}),
        {"v": "x", "extra": 1}, {"v": "x"}),
    out("output-subschema-closed", obj({"v": S, "w": S}, ["v"]),
        obj({"v": S, "w": False}, ["v"]), {"v": "x"}),
    out("output-subschema-opened", obj({"v": S, "w": False}, ["v"]),
        obj({"v": S, "w": S}, ["v"]), {"v": "x", "w": "y"}, {"v": "x"}),
    val("output-branch-added", ANY_OF_SI, ANY_OF_SIB, True, "x"),
    val("output-branch-removed", ANY_OF_SI, {"anyOf": [S]}, "x"),
    val("output-allof-branch-added", ALL_OF_1, ALL_OF_2, 3),
    val("output-allof-branch-removed", ALL_OF_2, ALL_OF_1, 8, 3),
    out("schema-doc-changed", obj({"v": {**N, "default": 1}}, []),
        obj({"v": {**N, "default": 2}}, []), {}, tag="_output_default"),
    out("schema-deprecated", obj({"v": S}), obj({"v": {**S, "deprecated": True}}),
        {"v": "x"}, tag="_output"),
]  # fmt: skip

RENAMED = _tool(obj({"r": S}), None, {"r": "x"}, "ok")
TOOL_CASES = [
    Case("t_output_schema_added", "output-schema-added",
         _tool(NO_ARGS, None, {}, "x"), _tool(NO_ARGS, obj({"v": S}), {}, {"v": "x"})),
    Case("t_output_schema_removed", "output-schema-removed",
         _tool(NO_ARGS, obj({"v": S}), {}, {"v": "x"}), _tool(NO_ARGS, None, {}, "x")),
    Case("t_tool_removed", "tool-removed", _tool(obj({"gone": S}), None, {"gone": "x"},
         "ok"), None),
    Case("t_tool_renamed", "tool-renamed", RENAMED,
         {**RENAMED, "renamedFrom": "t_tool_renamed"}, new_name="t_tool_renamed_new"),
    Case("t_tool_added", "tool-added", None,
         _tool(obj({"n": N}), None, {"n": 1}, "ok")),
    Case("t_tool_text_changed", "tool-text-changed",
         {**_tool(NO_ARGS, None, {}, "ok"), "description": "Old words."},
         {**_tool(NO_ARGS, None, {}, "ok"), "description": "New words."}),
]  # fmt: skip

# `$defs` entries a tool reaches are names in models.py: their rules break imports.
DEF_CASES = [
    Case("t_definition_renamed", "definition-renamed",
         _tool(obj({"v": {"$ref": "#/$defs/OldLevel"}}), None, {"v": "low"}, "ok"),
         _tool(obj({"v": {"$ref": "#/$defs/NewLevel"}}), None, {"v": "low"}, "ok")),
    Case("t_definition_removed", "definition-removed",
         _tool(obj({"v": {"$ref": "#/$defs/Grade"}}), None, {"v": "low"}, "ok"),
         _tool(obj({"v": LEVEL}), None, {"v": "low"}, "ok")),
]  # fmt: skip
OLD_DEFS = {"OldLevel": LEVEL, "Grade": LEVEL}
NEW_DEFS = {"NewLevel": LEVEL}

CASES = [*INPUT_CASES, *OUTPUT_CASES, *TOOL_CASES, *DEF_CASES]

# Rules a single call cannot show, with the reason.
NOT_SHOWN_BY_A_CALL = {
    "server-name-changed": "what hosts show and key on; a call works the same",
    "server-package-changed": "the Python package and `python -m` command; a connected "
    "client calls the same tools",
    "server-instructions-changed": "guidance for models, not part of a call",
    "server-text-changed": "display text",
    "transport-removed": "how a client connects, before any call",
    "transport-added": "how a client connects, before any call",
    "unclassified-change": "a request to review by hand, not a prediction",
    "tool-examples-changed": "examples drive generated tests; every case here changes "
    "them",
    "timeout-shortened": "depends on how long the handler runs",
    "timeout-lengthened": "depends on how long the handler runs",
    **{
        f"annotation-{hint}-{verb}": "host policy (ask before running or not); the "
        "call itself is the same"
        for hint in ("read-only", "destructive", "idempotent", "open-world")
        for verb in ("added", "dropped")
    },
    # A resource read, not a tool call: this harness calls tools only (reads are in
    # tests/e2e/test_resources.py; verdicts in tests/unit/test_resources_units.py).
    **{
        rule: "a resource read, not a tool call"
        for rule in (
            "resource-removed",
            "resource-added",
            "resource-contents-changed",
            "resource-text-changed",
            "resource-mime-type-changed",
            "resource-template-removed",
            "resource-template-added",
            "resource-template-uri-changed",
        )
    },
    # A prompts/get, not a tool call: this harness calls tools only.
    "prompt-added": "a new prompt: the old client has no method for it",
    **{
        rule: "a prompts/get, shown in tests/e2e/test_prompt_diff_contract.py"
        for rule in (
            "prompt-removed",
            "prompt-argument-added",
            "prompt-argument-added-required",
            "prompt-argument-required",
            "prompt-argument-optional",
            "prompt-argument-removed",
            "prompt-completion-changed",
            "prompt-messages-changed",
            "prompt-text-changed",
        )
    },
    # 2026-07-28 details (specdiff/hint_walk.py).
    **{
        rule: "Mcp-Param headers travel only over Streamable HTTP in 2026-07-28, and "
        "the SDK client recovers (re-lists, resends): shown in "
        "tests/e2e/test_hints_and_headers.py"
        for rule in (
            "header-mirror-added",
            "header-mirror-removed",
            "header-mirror-renamed",
        )
    },
    "cache-hint-changed": "a freshness hint on list and read results, not a call",
    # Notifications (specdiff/notification_walk.py): heard, not called.
    **{
        rule: "a notification capability: what a client hears or may subscribe to, "
        "not a tool call; shown in tests/e2e/test_notifications.py"
        for rule in (
            "notification-added",
            "notification-list-changed-removed",
            "notification-subscribe-removed",
        )
    },
    # A completion/complete, not a tool call: this harness calls tools only.
    **{
        rule: "a completion/complete, shown in "
        "tests/e2e/test_template_completion_diff_contract.py"
        for rule in (
            "resource-template-completion-removed",
            "resource-template-completion-unserved",
            "resource-template-completion-added",
            "resource-template-completion-changed",
        )
    },
}


def specs() -> tuple[dict[str, Any], dict[str, Any]]:
    """The old and the new spec."""
    sides: list[dict[str, Any]] = []
    for index, defs in ((0, OLD_DEFS), (1, NEW_DEFS)):
        tools = []
        for case in CASES:
            fields = case.new if index else case.old
            if fields is not None:
                name = case.new_name if index and case.new_name else case.tool
                text = {"description": f"The {case.rule} case."}
                tools.append({"name": name, **text, **fields})
        server = {"name": "contract", "version": "1.0.0"}
        server["package"] = "contract_new" if index else "contract_old"
        sides.append({"mcpmint": 1, "server": server, "$defs": defs, "tools": tools})
    return sides[0], sides[1]
