"""The prompts walk of `mcpmint diff`: prompts by name, their arguments by name, each
argument's `schema` compared as input (clients send the value in prompts/get)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcpmint.specdiff.rules import (
    MISSING,
    Change,
    as_mapping,
    canon,
    compare_unclassified,
    describe_edit,
    join,
    record,
)
from mcpmint.specdiff.schema_walk import SchemaScope, compare_schema

Spec = Mapping[str, Any]

_TEXT = ("title", "description", "icons", "_meta")
_PROMPT_KEYS = frozenset(("name", "arguments", "messages", "handler", *_TEXT))
_ARGUMENT_KEYS = frozenset(("name", "title", "description", "required", "schema"))
_ARGUMENT_KEYS |= {"complete"}


def compare_prompts(out: list[Change], old: Spec, new: Spec) -> None:
    """Prompts: removed, added, changed."""
    before, after = _by_name(old.get("prompts")), _by_name(new.get("prompts"))
    for name, prompt in before.items():
        path = f"prompts[{name}]"
        if name not in after:
            record(out, "prompt-removed", path, f"prompt '{name}' removed")
            continue
        now = after[name]
        _compare_text(out, path, prompt, now)
        _compare_messages(out, path, prompt, now)
        _compare_arguments(out, (old, new), path, prompt, now)
        compare_unclassified(out, path, prompt, now, _PROMPT_KEYS)
    for name in after.keys() - before.keys():
        record(out, "prompt-added", f"prompts[{name}]", f"prompt '{name}' added")


def _compare_text(out: list[Change], path: str, old: Spec, new: Spec) -> None:
    for key in _TEXT:
        o, n = old.get(key, MISSING), new.get(key, MISSING)
        if canon(o) != canon(n):
            detail = describe_edit(key, o, n, values=key == "title")
            record(out, "prompt-text-changed", join(path, key), detail)


def _compare_messages(out: list[Change], path: str, old: Spec, new: Spec) -> None:
    """Spec messages and a handler answer prompts/get alike (a GetPromptResult), so
    moving between them, like editing the messages, changes only what is said."""
    was, now = old.get("handler") is True, new.get("handler") is True
    detail = "messages changed"
    if was != now:
        detail = f"messages now {'built by a handler' if now else 'in the spec'}"
    if was != now or canon(old.get("messages")) != canon(new.get("messages")):
        record(out, "prompt-messages-changed", join(path, "messages"), detail)


def _compare_arguments(
    out: list[Change], specs: tuple[Spec, Spec], path: str, old: Spec, new: Spec
) -> None:
    before, after = _by_name(old.get("arguments")), _by_name(new.get("arguments"))
    base = join(path, "arguments")
    for name, argument in before.items():
        at = f"{base}[{name}]"
        if name not in after:
            record(out, "prompt-argument-removed", at, f"argument '{name}' removed")
            continue
        now = after[name]
        was, needed = argument.get("required") is True, now.get("required") is True
        if was != needed:
            rule = "prompt-argument-required" if needed else "prompt-argument-optional"
            state = "required" if needed else "optional"
            record(out, rule, join(at, "required"), f"argument '{name}' is now {state}")
        for key in ("title", "description"):
            o, n = argument.get(key, MISSING), now.get(key, MISSING)
            if canon(o) != canon(n):
                detail = describe_edit(key, o, n, values=key == "title")
                record(out, "prompt-text-changed", join(at, key), detail)
        o, n = argument.get("complete", MISSING), now.get("complete", MISSING)
        if canon(o) != canon(n):
            detail = describe_edit("complete", o, n, values=False)
            record(out, "prompt-completion-changed", join(at, "complete"), detail)
        _compare_schema(out, specs, join(at, "schema"), argument, now)
        compare_unclassified(out, at, argument, now, _ARGUMENT_KEYS)
    for name in after.keys() - before.keys():
        needed = after[name].get("required") is True
        rule = "prompt-argument-added-required" if needed else "prompt-argument-added"
        state = "required" if needed else "optional"
        detail = f"{state} argument '{name}' added"
        record(out, rule, f"{base}[{name}]", detail)


def _compare_schema(
    out: list[Change], specs: tuple[Spec, Spec], path: str, old: Spec, new: Spec
) -> None:
    """An argument without `schema`, or a schema without `type`, is a string: what
    the wire carries and the server passes on unconverted."""
    o, n = (_typed(argument.get("schema", MISSING)) for argument in (old, new))
    if canon(o) != canon(n):
        roots = (as_mapping(o), specs[0]), (as_mapping(n), specs[1])
        compare_schema(SchemaScope("input", *roots, out, {}), path, o, n)


def _typed(schema: Any) -> Any:
    if schema is MISSING:
        return {"type": "string"}
    if isinstance(schema, Mapping) and "type" not in schema and "$ref" not in schema:
        return {"type": "string", **schema}
    return schema


def _by_name(items: Any) -> dict[str, Spec]:
    if not isinstance(items, list):
        return {}
    return {
        item["name"]: item
        for item in items
        if isinstance(item, Mapping) and isinstance(item.get("name"), str)
    }
