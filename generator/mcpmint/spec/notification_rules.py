"""The rules of `notifications:` (the change notifications a server sends); each
problem located.

A flag is a capability the client reads: it may only be set where the capability
exists. The SDK declares `prompts` only for a server with prompts, `resources` only
for one with resources or resource templates.
"""

from __future__ import annotations

from typing import Any

from mcpmint.spec.diagnostics import Diagnostic
from mcpmint.spec.load import LoadedSpec

# Each section's flags, as the protocol's capabilities name them.
FLAGS: dict[str, tuple[str, ...]] = {
    "tools": ("listChanged",),
    "prompts": ("listChanged",),
    "resources": ("subscribe", "listChanged"),
}


def declared_flags(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The (section, flag) pairs `notifications:` sets to true, in FLAGS order."""
    block = data.get("notifications")
    if not isinstance(block, dict):
        return []
    found = []
    for section, flags in FLAGS.items():
        entry = block.get(section)
        if isinstance(entry, dict):
            found += [(section, f) for f in flags if entry.get(f) is True]
    return found


def notification_problems(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    """Every problem of the spec's `notifications:` block."""
    block = data.get("notifications")
    if not isinstance(block, dict):
        return []
    flags = declared_flags(data)
    if not flags and _well_formed(block):  # else the structure errors say enough
        return [
            spec.diagnostic(
                "warning",
                ("notifications",),
                "`notifications:` turns no notification on: nothing is served",
                "set `listChanged: true` or `subscribe: true`, or drop the block",
            )
        ]
    found = []
    for section, flag in flags:
        missing = _missing_section(data, section)
        if missing is not None:
            found.append(
                spec.diagnostic(
                    "error",
                    ("notifications", section, flag),
                    f"the spec has no {missing}, so the server declares no "
                    f"`{section}` capability to carry `{flag}`",
                    f"add `{section}:` to the spec, or drop this flag",
                )
            )
    return found


def _missing_section(data: dict[str, Any], section: str) -> str | None:
    if section == "prompts" and not data.get("prompts"):
        return "prompts"
    if section == "resources" and not (
        data.get("resources") or data.get("resourceTemplates")
    ):
        return "resources or resource templates"
    return None


def _well_formed(block: dict[str, Any]) -> bool:
    return all(
        section in FLAGS
        and isinstance(entry, dict)
        and all(key in FLAGS[section] for key in entry)
        for section, entry in block.items()
    )
