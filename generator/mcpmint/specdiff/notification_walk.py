"""The notifications walk of `mcpmint diff`: each `listChanged` / `subscribe` flag of
`notifications:` turned on or off (what clients read in the server's capabilities)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcpmint.specdiff.rules import Change, as_mapping, record

Spec = Mapping[str, Any]

# Each section's flags, as the protocol's capabilities name them.
_FLAGS = {
    "tools": ("listChanged",),
    "prompts": ("listChanged",),
    "resources": ("subscribe", "listChanged"),
}


def compare_notifications(out: list[Change], old: Spec, new: Spec) -> None:
    """Each notification flag turned on or off."""
    before, after = _flags(old), _flags(new)
    for section, flag in sorted(before - after):
        path = f"notifications.{section}.{flag}"
        if flag == "subscribe":
            detail = "resource subscriptions turned off"
            record(out, "notification-subscribe-removed", path, detail)
        else:
            detail = f"{section} list change notifications turned off"
            record(out, "notification-list-changed-removed", path, detail)
    for section, flag in sorted(after - before):
        detail = f"{section} {flag} notifications turned on"
        record(out, "notification-added", f"notifications.{section}.{flag}", detail)


def _flags(spec: Spec) -> set[tuple[str, str]]:
    block = as_mapping(spec.get("notifications"))
    found = set()
    for section, flags in _FLAGS.items():
        entry = as_mapping(block.get(section))
        found |= {(section, f) for f in flags if entry.get(f) is True}
    return found
