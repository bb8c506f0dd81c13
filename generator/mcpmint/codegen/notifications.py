"""The spec's `notifications:` lowered: which change notifications the server sends."""

from __future__ import annotations

from dataclasses import replace

from mcpmint.codegen.ir import NotificationsIR, ProjectIR
from mcpmint.spec.format import Spec


def with_notifications(project: ProjectIR, spec: Spec) -> ProjectIR:
    """`project` with its notifications (None when the spec turns none on)."""
    ir = notifications_ir(spec)
    return project if ir is None else replace(project, notifications=ir)


def notifications_ir(spec: Spec) -> NotificationsIR | None:
    """The spec's notifications, None when it turns none on."""
    block = spec.notifications
    if block is None:
        return None
    tools, prompts, resources = block.tools, block.prompts, block.resources
    ir = NotificationsIR(
        tools_list_changed=tools is not None and tools.listChanged,
        prompts_list_changed=prompts is not None and prompts.listChanged,
        resources_list_changed=resources is not None and resources.listChanged,
        resources_subscribe=resources is not None and resources.subscribe,
    )
    return None if ir == NotificationsIR(False, False, False, False) else ir


def client_needs(spec: Spec) -> dict[str, set[str]]:
    """What the typed client imports for its `changes()` (nothing without it)."""
    if notifications_ir(spec) is None:
        return {}
    return {"collections.abc": {"Sequence"}, "mcpmint_runtime.watch": {"ChangeEvent"}}
