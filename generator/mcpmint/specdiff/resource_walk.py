"""The resources walk of `mcpmint diff`: static resources by URI, templates by name,
each template variable's schema compared as input (clients send it in the URI)."""

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
from mcpmint.specdiff.template_completion_walk import (
    compare_template_completion,
    serves_completion,
)

Spec = Mapping[str, Any]

_TEXT = ("name", "title", "description", "annotations", "icons", "_meta", "size")
_CONTENTS = ("text", "file", "handler")
# `cache` is compared in hint_walk.py.
_RESOURCE_KEYS = frozenset(("uri", "mimeType", "cache", *_TEXT, *_CONTENTS))
_TEMPLATE_KEYS = frozenset(("uriTemplate", "mimeType", "variables", "cache", *_TEXT))
_TEMPLATE_KEYS |= {"complete"}  # template_completion_walk.py


def compare_resources(out: list[Change], old: Spec, new: Spec) -> None:
    """Resources and resource templates: removed, added, changed."""
    before, after = _by(old, "resources", "uri"), _by(new, "resources", "uri")
    for uri, resource in before.items():
        path = f"resources[{uri}]"
        if uri not in after:
            record(out, "resource-removed", path, f"resource '{uri}' removed")
            continue
        _compare_entry(out, path, resource, after[uri])
        if any(canon(resource.get(k)) != canon(after[uri].get(k)) for k in _CONTENTS):
            record(out, "resource-contents-changed", path, "contents changed")
        compare_unclassified(out, path, resource, after[uri], _RESOURCE_KEYS)
    for uri in after.keys() - before.keys():
        record(out, "resource-added", f"resources[{uri}]", f"resource '{uri}' added")
    _compare_templates(out, old, new)


def _compare_templates(out: list[Change], old: Spec, new: Spec) -> None:
    key = "resourceTemplates"
    before, after = _by(old, key, "name"), _by(new, key, "name")
    served = serves_completion(new)
    for name, template in before.items():
        path = f"{key}[{name}]"
        if name not in after:
            detail = f"resource template '{name}' removed"
            record(out, "resource-template-removed", path, detail)
            continue
        now = after[name]
        o, n = template.get("uriTemplate"), now.get("uriTemplate")
        if canon(o) != canon(n):
            detail = describe_edit("uriTemplate", o, n)
            record(
                out, "resource-template-uri-changed", join(path, "uriTemplate"), detail
            )
        _compare_entry(out, path, template, now)
        _compare_variables(out, (old, new), path, template, now)
        compare_template_completion(out, path, template, now, served)
        compare_unclassified(out, path, template, now, _TEMPLATE_KEYS)
    for name in after.keys() - before.keys():
        detail = f"resource template '{name}' added"
        record(out, "resource-template-added", f"{key}[{name}]", detail)


def _compare_entry(out: list[Change], path: str, old: Spec, new: Spec) -> None:
    for key in _TEXT:
        o, n = old.get(key, MISSING), new.get(key, MISSING)
        if canon(o) != canon(n):
            detail = describe_edit(key, o, n, values=key in ("name", "title"))
            record(out, "resource-text-changed", join(path, key), detail)
    o, n = old.get("mimeType", MISSING), new.get("mimeType", MISSING)
    if canon(o) != canon(n):
        detail = describe_edit("mimeType", o, n)
        record(out, "resource-mime-type-changed", join(path, "mimeType"), detail)


def _compare_variables(
    out: list[Change], specs: tuple[Spec, Spec], path: str, old: Spec, new: Spec
) -> None:
    """Each variable kept on both sides, walked as an input schema (a variable added
    or removed changes the URI template, reported there)."""
    before = as_mapping(old.get("variables"))
    after = as_mapping(new.get("variables"))
    for name in sorted(before.keys() & after.keys()):
        o, n = before[name], after[name]
        roots = (as_mapping(o), specs[0]), (as_mapping(n), specs[1])
        scope = SchemaScope("input", *roots, out, {})
        compare_schema(scope, join(join(path, "variables"), name), o, n)


def _by(spec: Spec, key: str, field: str) -> dict[str, Spec]:
    items = spec.get(key)
    if not isinstance(items, list):
        return {}
    return {
        item[field]: item
        for item in items
        if isinstance(item, Mapping) and isinstance(item.get(field), str)
    }
