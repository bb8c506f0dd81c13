"""The `$defs` names of `mcpmint diff`: which models.py names consumers lose.

Every `$defs` entry a tool reaches (directly or through other entries) becomes a
public name of the generated models.py, `schema_class_name(key)` (a class for an
object, a type alias otherwise); entries no tool reaches generate nothing. When such a
name is gone from NEW, `from <package>.models import <Name>` breaks, whatever the
wire does: that is what these rules report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from mcpmint.spec.naming import schema_class_name
from mcpmint.specdiff.rules import Change, as_mapping, canon, join, record

Spec = Mapping[str, Any]

# Keys whose values are data, not schemas: a "$ref" inside them is not a reference.
_DATA_KEYS = frozenset({"enum", "const", "default", "examples", "example"})
# Keys whose values map names to schemas (a property may be called "default").
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)


def compare_definitions(
    out: list[Change], old: Spec, new: Spec, origins: Mapping[str, str]
) -> None:
    """Report each models.py name of a `$defs` entry that OLD generates and NEW not;
    one imported from another file (`origins`) has that file's entry as its source."""
    before, after = _named_defs(old), _named_defs(new)
    added = {name: key for name, key in after.items() if name not in before}
    old_defs, new_defs = as_mapping(old.get("$defs")), as_mapping(new.get("$defs"))
    for name, key in before.items():
        if name in after:
            continue
        schema = canon(old_defs.get(key))
        path = join("$defs", key)
        twin = next((n for n, k in added.items() if canon(new_defs[k]) == schema), None)
        if twin is not None:
            detail = f"'{key}' renamed to '{added.pop(twin)}': {name} is now {twin}"
            record(out, "definition-renamed", path, detail)
            _attribute(out, origins.get(key))
        elif key in new_defs:
            detail = f"no tool uses '{key}' any more, so models.py has no {name}"
            record(out, "definition-removed", path, detail)
            _attribute(out, origins.get(key))
        else:
            detail = f"'{key}' removed, so models.py has no {name}"
            record(out, "definition-removed", path, detail)
            _attribute(out, origins.get(key))


def _attribute(out: list[Change], origin: str | None) -> None:
    """The last change was made in another file's definition (`origin`), if given."""
    if origin is not None:
        out[-1] = replace(out[-1], source=origin)


def _named_defs(spec: Spec) -> dict[str, str]:
    """models.py name -> `$defs` key, for every entry the tools reach, in spec order."""
    defs = as_mapping(spec.get("$defs"))
    named: set[str] = set()
    reached: set[str] = set()
    todo: list[str] = []
    for tool in _tool_list(spec):
        for side in ("inputSchema", "outputSchema"):
            schema = tool.get(side)
            local = as_mapping(as_mapping(schema).get("$defs"))
            todo += (r for r in _refs(schema) if _def_key(r) not in local)
    while todo:
        tokens = todo.pop().removeprefix("#/$defs/").split("/")
        key = tokens[0].replace("~1", "/").replace("~0", "~")
        if key not in defs:
            continue
        if len(tokens) == 1:
            named.add(key)  # only a ref to the whole entry gives it its own name
        if key not in reached:
            reached.add(key)
            todo += _refs(defs[key])
    return {schema_class_name(str(key)): str(key) for key in defs if key in named}


def _tool_list(spec: Spec) -> list[Spec]:
    tools = spec.get("tools")
    return (
        [t for t in tools if isinstance(t, Mapping)] if isinstance(tools, list) else []
    )


def _def_key(ref: str) -> str:
    return ref.removeprefix("#/$defs/").split("/")[0]


def _refs(schema: Any) -> list[str]:
    """Every `#/$defs/...` reference inside a schema."""
    found: list[str] = []
    todo = [schema]
    while todo:
        node = todo.pop()
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                found.append(ref)
            for key, value in node.items():
                if key in _SCHEMA_MAPS:
                    todo += as_mapping(value).values()
                elif key not in _DATA_KEYS:
                    todo.append(value)
        elif isinstance(node, list):
            todo += node
    return found
