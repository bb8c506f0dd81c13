"""The spec's `notifications:` lowered: which change notifications the server sends."""

from __future__ import annotations

from dataclasses import replace

from mcpmint.codegen.ir import NotificationsIR, ProjectIR
from mcpmint.spec.format import Spec


def with_notifications(project: ProjectIR, spec: Spec) -> ProjectIR:
    """`project` with its notifications (None when the spec turns none on)."""
    block = spec.notifications
    if block is None:
        return project
    tools, prompts, resources = block.tools, block.prompts, block.resources
    ir = NotificationsIR(
        tools_list_changed=tools is not None and tools.listChanged,
        prompts_list_changed=prompts is not None and prompts.listChanged,
        resources_list_changed=resources is not None and resources.listChanged,
        resources_subscribe=resources is not None and resources.subscribe,
    )
    if ir == NotificationsIR(False, False, False, False):
        return project
    return replace(project, notifications=ir)
