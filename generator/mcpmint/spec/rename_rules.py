"""The rules of a tool's `renamedFrom`: an old name whose handler file can move."""

from __future__ import annotations

from typing import Any

from mcpmint.spec.diagnostics import Diagnostic, JsonPath
from mcpmint.spec.load import LoadedSpec
from mcpmint.spec.naming import handler_name
from mcpmint.spec.schema_rules import TOOL_NAME


def rename_problems(spec: LoadedSpec, tools: list[Any]) -> list[Diagnostic]:
    """Every problem of the tools' `renamedFrom` keys: each old name must be a valid
    tool name that no current tool has, and its handler file must belong to this tool
    alone (neither a current tool's nor another rename's)."""
    current: dict[str, tuple[int, str]] = {}  # handler module -> (index, tool name)
    for i, tool in enumerate(tools):
        if isinstance(tool, dict) and isinstance(tool.get("name"), str):
            current.setdefault(handler_name(tool["name"]), (i, tool["name"]))
    claimed: dict[str, tuple[int, str]] = {}  # old handler module -> (index, old name)
    found: list[Diagnostic] = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict):
            continue
        old, name = tool.get("renamedFrom"), tool.get("name")
        if not isinstance(old, str) or not isinstance(name, str):
            continue
        where: JsonPath = ("tools", i, "renamedFrom")
        problem = _problem(old, (i, name), current, claimed)
        if problem is not None:
            found.append(spec.diagnostic("error", where, *problem))
        else:
            claimed[handler_name(old)] = (i, old)
    return found


def _problem(
    old: str,
    tool: tuple[int, str],
    current: dict[str, tuple[int, str]],
    claimed: dict[str, tuple[int, str]],
) -> tuple[str, str] | None:
    """(message, hint) of what is wrong with `renamedFrom: old` on `tool` (its index
    and name); None when nothing is (an old name with this tool's own handler module,
    `get-forecast` → `get_forecast`, is a rename with no file to move)."""
    i, name = tool
    if not TOOL_NAME.match(old):
        return (
            f"renamedFrom {old!r} is not a valid tool name",
            "write the tool's previous name: 1 to 128 of A-Z a-z 0-9 _ - .",
        )
    if old == name:
        return (
            f"tool {name!r} is renamedFrom its own name",
            "write the tool's previous name, or remove renamedFrom",
        )
    module = handler_name(old)
    if module in current and current[module][0] != i:
        j, other = current[module]
        if other == old:
            return (
                f"renamedFrom {old!r} is the name of tool {other!r} (tools[{j}])",
                "a renamed tool's old name must be gone from the spec: "
                "remove renamedFrom, or rename the other tool",
            )
        return (
            f"renamedFrom {old!r} has the handler file of tool {other!r} "
            f"(tools[{j}]): {module}.py",
            "generate would give that tool's handler to this one: remove renamedFrom",
        )
    if module in claimed:
        j, first = claimed[module]
        return (
            f"tools[{j}] is already renamedFrom {first!r}",
            f"only one tool can take over {module}.py: "
            "remove renamedFrom from one of them",
        )
    return None
