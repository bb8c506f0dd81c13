"""The spec-level walk of `mcpmint diff`: server, transports, tools and annotations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcpmint.specdiff.def_walk import compare_definitions
from mcpmint.specdiff.hint_walk import compare_cache, compare_header_mirrors
from mcpmint.specdiff.notification_walk import compare_notifications
from mcpmint.specdiff.prompt_walk import compare_prompts
from mcpmint.specdiff.resource_walk import compare_resources
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
from mcpmint.specdiff.schema_walk import Direction, SchemaScope, compare_schema

Spec = Mapping[str, Any]

_SPEC_KEYS = frozenset(
    {"mcpmint", "server", "transports", "$defs", "tools"}
    | {"resources", "resourceTemplates"}  # specdiff/resource_walk.py
    | {"prompts"}  # specdiff/prompt_walk.py
    | {"notifications"}  # specdiff/notification_walk.py
    | {"cache"}  # specdiff/hint_walk.py
)
_TOOL_KEYS = frozenset(
    "name title description annotations inputSchema outputSchema examples".split()
    + ["timeout", "renamedFrom"]
)
_SERVER_RULES = {
    "name": "server-name-changed",
    "package": "server-package-changed",
    "instructions": "server-instructions-changed",
    "title": "server-text-changed",
    "description": "server-text-changed",
}
_QUOTED = frozenset({"name", "package", "title"})  # short enough to show in a message
_HINTS = {  # hint: (its MCP default when unset, the stem of its rule ids)
    "readOnlyHint": (False, "annotation-read-only"),
    "destructiveHint": (True, "annotation-destructive"),
    "idempotentHint": (False, "annotation-idempotent"),
    "openWorldHint": (True, "annotation-open-world"),
}


def compare_specs(
    old: Spec, new: Spec, origins: Mapping[str, str] | None = None
) -> list[Change]:
    """Every classified change from old to new, unsorted. `origins` names the file
    each imported `$defs` entry came from (see `LoadedSpec.origins`)."""
    out: list[Change] = []
    _compare_server(out, as_mapping(old.get("server")), as_mapping(new.get("server")))
    _compare_transports(out, old, new)
    _compare_tools(out, old, new, origins or {})
    compare_definitions(out, old, new, origins or {})
    compare_resources(out, old, new)
    compare_prompts(out, old, new)
    compare_notifications(out, old, new)
    compare_cache(out, old, new)
    compare_unclassified(out, "", old, new, _SPEC_KEYS)
    return out


def _compare_server(out: list[Change], old: Spec, new: Spec) -> None:
    for key, rule in _SERVER_RULES.items():
        o, n = old.get(key, MISSING), new.get(key, MISSING)
        if canon(o) != canon(n):
            detail = describe_edit(key, o, n, values=key in _QUOTED)
            record(out, rule, join("server", key), detail)
    # version is judged by the bump; toolTimeout by the tools' effective limits
    known = frozenset(_SERVER_RULES) | {"version", "toolTimeout"}
    compare_unclassified(out, "server", old, new, known)


def _limit(mapping: Spec, key: str) -> float:
    """A timeout in seconds; no limit is infinity."""
    value = mapping.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    return float("inf")


def _compare_timeout(
    out: list[Change], path: str, old: float, new: float, note: str = ""
) -> None:
    if old != new:
        shown = ["no limit" if s == float("inf") else f"{s:g} s" for s in (old, new)]
        detail = f"{path.rsplit('.', 1)[-1]} {shown[0]} -> {shown[1]}{note}"
        rule = "timeout-shortened" if new < old else "timeout-lengthened"
        record(out, rule, path, detail)


def _transports(spec: Spec) -> list[str]:
    value = spec.get("transports", ["stdio"])  # the spec format's default
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _compare_transports(out: list[Change], old: Spec, new: Spec) -> None:
    before, after = _transports(old), _transports(new)
    for name in (t for t in before if t not in after):
        record(out, "transport-removed", "transports", f"transport '{name}' removed")
    for name in (t for t in after if t not in before):
        record(out, "transport-added", "transports", f"transport '{name}' added")


def _tools(spec: Spec) -> dict[str, Spec]:
    tools = spec.get("tools")
    if not isinstance(tools, list):
        return {}
    return {
        tool["name"]: tool
        for tool in tools
        if isinstance(tool, Mapping) and isinstance(tool.get("name"), str)
    }


def _compare_tools(
    out: list[Change], old_spec: Spec, new_spec: Spec, origins: Mapping[str, str]
) -> None:
    old, new = _tools(old_spec), _tools(new_spec)
    declared = _declared_renames(old, new)
    renames = {**_renames(old, new, declared), **declared}
    on_default = 0  # tools kept on both sides whose limit is the server's default
    for name, tool in old.items():
        after = renames.get(name, name)
        if after not in new:
            record(out, "tool-removed", f"tools[{name}]", f"tool '{name}' removed")
            continue
        on_default += "timeout" not in tool and "timeout" not in new[after]
        if name in declared:
            detail = f"tool '{name}' renamed to '{after}' (renamedFrom: {name})"
            record(out, "tool-renamed", f"tools[{name}]", detail)
        elif after != name:
            detail = f"tool '{name}' is gone and '{after}' has its input schema"
            record(
                out, "tool-renamed", f"tools[{name}]", f"{detail}, so it looks renamed"
            )
        specs = (old_spec, new_spec)
        _compare_tool(out, specs, f"tools[{after}]", (tool, new[after]), origins)
    for name in new:
        if name not in old and name not in renames.values():
            record(out, "tool-added", f"tools[{name}]", f"tool '{name}' added")
    _compare_default_timeout(out, old_spec, new_spec, on_default)


def _compare_default_timeout(
    out: list[Change], old: Spec, new: Spec, on_default: int
) -> None:
    """`server.toolTimeout` changed, judged by the effective limits: reported only
    when a tool on both sides has no `timeout` of its own (a tool's own timeout wins;
    a tool's own timeout edit is judged at the tool)."""
    before, after = (
        _limit(as_mapping(s.get("server")), "toolTimeout") for s in (old, new)
    )
    if on_default and before != after:
        tools = "1 tool" if on_default == 1 else f"{on_default} tools"
        note = f" (the limit of {tools})"
        _compare_timeout(out, "server.toolTimeout", before, after, note)


def _declared_renames(
    old: Mapping[str, Spec], new: Mapping[str, Spec]
) -> dict[str, str]:
    """Old name -> new name of the new tools whose `renamedFrom` names a tool of OLD
    that NEW no longer has (and whose own name OLD does not have)."""
    renames: dict[str, str] = {}
    for name, tool in new.items():
        before = tool.get("renamedFrom")
        if (
            isinstance(before, str)
            and before in old
            and before not in new
            and name not in old
            and before not in renames
        ):
            renames[before] = name
    return renames


def _renames(
    old: Mapping[str, Spec], new: Mapping[str, Spec], declared: Mapping[str, str]
) -> dict[str, str]:
    """Removed tools whose input schema reappears, unchanged, under a new name (the
    tools of a declared rename aside)."""
    taken = set(declared.values())
    added = [name for name in new if name not in old and name not in taken]
    renames: dict[str, str] = {}
    for name in (n for n in old if n not in new and n not in declared):
        schema = canon(old[name].get("inputSchema"))
        match = [a for a in added if canon(new[a].get("inputSchema")) == schema]
        if match:
            renames[name] = match[0]
            added.remove(match[0])
    return renames


def _compare_tool(
    out: list[Change],
    specs: tuple[Spec, Spec],
    path: str,
    tools: tuple[Spec, Spec],
    origins: Mapping[str, str],
) -> None:
    old, new = tools
    for key in ("title", "description"):
        o, n = old.get(key, MISSING), new.get(key, MISSING)
        if canon(o) != canon(n):
            detail = describe_edit(key, o, n, values=key == "title")
            record(out, "tool-text-changed", join(path, key), detail)
    _compare_annotations(out, join(path, "annotations"), old, new)
    _compare_schemas(out, specs, path, tools, origins)
    if canon(old.get("examples", [])) != canon(new.get("examples", [])):
        record(out, "tool-examples-changed", join(path, "examples"), "examples changed")
    if canon(old.get("timeout")) != canon(new.get("timeout")):
        # The limit a call of this tool has: its own, else the server's default.
        before, after = (
            _limit(tool, "timeout")
            if "timeout" in tool
            else _limit(as_mapping(spec.get("server")), "toolTimeout")
            for tool, spec in ((old, specs[0]), (new, specs[1]))
        )
        _compare_timeout(out, join(path, "timeout"), before, after)
    compare_header_mirrors(out, path, old, new)
    compare_unclassified(out, path, old, new, _TOOL_KEYS)


def _compare_schemas(
    out: list[Change],
    specs: tuple[Spec, Spec],
    path: str,
    tools: tuple[Spec, Spec],
    origins: Mapping[str, str],
) -> None:
    """Walk inputSchema (what clients send) and outputSchema (what they receive)."""
    old, new = tools
    sides: tuple[tuple[str, Direction], ...] = (
        ("inputSchema", "input"),
        ("outputSchema", "output"),
    )
    for key, direction in sides:
        o, n = old.get(key, MISSING), new.get(key, MISSING)
        if direction == "output" and (o is MISSING) != (n is MISSING):
            rule = "output-schema-removed" if n is MISSING else "output-schema-added"
            record(out, rule, join(path, key), describe_edit(key, o, n, values=False))
        elif o is not MISSING or n is not MISSING:
            o, n = ({"type": "object"} if s is MISSING else s for s in (o, n))
            # Local "#/..." refs resolve in the tool schema first, then in the spec.
            roots = (as_mapping(o), specs[0]), (as_mapping(n), specs[1])
            scope = SchemaScope(direction, *roots, out, origins)
            compare_schema(scope, join(path, key), o, n)


def _hints(annotations: Spec) -> dict[str, bool]:
    """Effective hints: MCP defaults fill the gaps."""
    hints = {}
    for key, (default, _) in _HINTS.items():
        value = annotations.get(key)
        hints[key] = value if isinstance(value, bool) else default
    if hints["readOnlyHint"]:  # MCP: these two mean something only for writing tools
        hints["destructiveHint"], hints["idempotentHint"] = False, True
    return hints


def _hint_origin(annotations: Spec, key: str) -> str:
    implied = key in {"destructiveHint", "idempotentHint"}
    if implied and _hints(annotations)["readOnlyHint"]:
        return " (implied by readOnlyHint)"
    unset = not isinstance(annotations.get(key), bool)
    return " (the MCP default when unset)" if unset else ""


def _compare_annotations(
    out: list[Change], path: str, old_tool: Spec, new_tool: Spec
) -> None:
    old = as_mapping(old_tool.get("annotations"))
    new = as_mapping(new_tool.get("annotations"))
    before, after = _hints(old), _hints(new)
    for key, (_, stem) in _HINTS.items():
        if before[key] != after[key]:
            state = "true" if after[key] else "false"
            detail = f"{key} is now {state}{_hint_origin(new, key)}"
            rule = f"{stem}-{'added' if after[key] else 'dropped'}"
            record(out, rule, join(path, key), detail)
    o, n = old.get("title", MISSING), new.get("title", MISSING)
    if canon(o) != canon(n):
        record(
            out, "tool-text-changed", join(path, "title"), describe_edit("title", o, n)
        )
    known = frozenset(_HINTS) | {"title"}
    compare_unclassified(out, path, old, new, known)
