"""Notifications: the rules of `notifications:`, its lowering, its diff rules, and
the runtime's refusal of events the spec did not declare."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest
from mcp.server.subscriptions import InMemorySubscriptionBus, ServerEvent
from mcpmint_runtime.changes import Changes, Declared, changes_of, current_changes

from mcpmint.codegen.ir import NotificationsIR
from mcpmint.codegen.notifications import with_notifications
from mcpmint.pipeline import diagnose
from mcpmint.spec.format import Spec, spec_json_schema
from mcpmint.specdiff.report import diff_specs

HEAD = (
    "mcpmint: 1\nserver: {name: n, version: '1'}\n"
    "tools:\n  - {name: t, description: d, inputSchema: {type: object}}\n"
)
PROMPTS = (
    "prompts:\n  - name: p\n"
    "    messages: [{role: user, content: {type: text, text: hi}}]\n"
)
RESOURCES = "resources:\n  - {uri: 'x://a', name: a, text: hi}\n"


def problems(tmp_path: Path, text: str) -> list[str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEAD + text, encoding="utf-8")
    return [d.format() for d in diagnose(spec, display="spec.yaml")[1]]


def test_flags_on_sections_the_spec_has_are_accepted(tmp_path: Path) -> None:
    block = (
        "notifications:\n  tools: {listChanged: true}\n"
        "  prompts: {listChanged: true}\n"
        "  resources: {subscribe: true, listChanged: true}\n"
    )
    assert problems(tmp_path, PROMPTS + RESOURCES + block) == []


def test_a_resource_template_is_enough_for_resource_flags(tmp_path: Path) -> None:
    template = (
        "resourceTemplates:\n  - uriTemplate: 'x://{id}'\n    name: one\n"
        "    variables: {id: {type: string}}\n"
    )
    block = "notifications:\n  resources: {subscribe: true}\n"
    assert problems(tmp_path, template + block) == []


def test_a_flag_on_a_missing_section_is_a_located_error(tmp_path: Path) -> None:
    found = problems(tmp_path, "notifications:\n  prompts: {listChanged: true}\n")
    assert found == [
        "spec.yaml:6:13: error: notifications.prompts.listChanged: the spec has no "
        "prompts, so the server declares no `prompts` capability to carry "
        "`listChanged`\n  hint: add `prompts:` to the spec, or drop this flag"
    ]


def test_a_block_that_turns_nothing_on_is_a_warning(tmp_path: Path) -> None:
    found = problems(tmp_path, "notifications: {tools: {}}\n")
    assert len(found) == 1 and ": warning: notifications: " in found[0]


def test_an_unknown_flag_gets_the_close_match(tmp_path: Path) -> None:
    found = problems(tmp_path, "notifications:\n  tools: {listchanged: true}\n")
    assert "unknown key 'listchanged'" in found[0]
    assert "did you mean 'listChanged'?" in found[0]


def test_the_spec_schema_describes_notifications() -> None:
    schema = json.loads(spec_json_schema())
    assert set(schema["$defs"]["Notifications"]["properties"]) == {
        "tools",
        "prompts",
        "resources",
    }
    assert set(schema["$defs"]["ResourceChanges"]["properties"]) == {
        "subscribe",
        "listChanged",
    }


def _spec(**top: object) -> dict[str, object]:
    tool = {"name": "t", "inputSchema": {"type": "object"}}
    return {
        "mcpmint": 1,
        "server": {"name": "n", "version": "1"},
        "tools": [tool],
    } | top


def test_lowering_keeps_each_flag_and_drops_an_empty_block() -> None:
    from mcpmint.codegen.ir import ProjectIR, ServerIR

    server = ServerIR("n", "1", None, None, None, None, "n")
    bare = ProjectIR("s", "r", server, ("stdio",), None, (), "", ())
    on = Spec.model_validate(
        _spec(notifications={"tools": {"listChanged": True}, "resources": {}})
    )
    assert with_notifications(bare, on).notifications == NotificationsIR(
        True, False, False, False
    )
    off = Spec.model_validate(_spec(notifications={"tools": {"listChanged": False}}))
    assert with_notifications(bare, off).notifications is None


def test_diff_classifies_each_flag_turned_on_or_off() -> None:
    old = _spec(
        notifications={
            "tools": {"listChanged": True},
            "resources": {"subscribe": True},
        }
    )
    new = _spec(notifications={"prompts": {"listChanged": True}})
    found = {(c.rule, c.path, c.level.value) for c in diff_specs(old, new).changes}
    assert found == {
        (
            "notification-list-changed-removed",
            "notifications.tools.listChanged",
            "warning",
        ),
        (
            "notification-subscribe-removed",
            "notifications.resources.subscribe",
            "error",
        ),
        ("notification-added", "notifications.prompts.listChanged", "info"),
    }
    messages = sorted(c.message for c in diff_specs(old, new).changes)
    assert messages == [
        "prompts listChanged notifications turned on; clients may hear of more "
        "changes.",
        "resource subscriptions turned off; resources/subscribe now gets "
        "method-not-found.",
        "tools list change notifications turned off; clients no longer hear of "
        "list changes.",
    ]


def test_an_undeclared_event_is_refused_before_anything_is_sent() -> None:
    bus = InMemorySubscriptionBus()
    seen: list[ServerEvent] = []
    bus.subscribe(seen.append)
    changes = Changes(Declared(tools_list_changed=True), bus)

    async def main() -> None:
        with pytest.raises(ValueError, match=r"prompts list changes are not declared"):
            await changes.list_changed("prompts")
        with pytest.raises(ValueError, match=r"resource updates are not declared"):
            await changes.resource_updated("x://a")
        with pytest.raises(ValueError, match=r"unknown list 'tool'"):
            await changes.list_changed("tool")  # type: ignore[arg-type]
        await changes.list_changed("tools")

    anyio.run(main)
    assert [type(e).__name__ for e in seen] == ["ToolsListChanged"]


def test_without_notifications_there_is_no_changes_object() -> None:
    with pytest.raises(RuntimeError, match="declare them in the spec"):
        changes_of(object())
    with pytest.raises(RuntimeError, match="no change notifications here"):
        current_changes()
