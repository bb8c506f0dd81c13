"""The 2026-07-28 details of `mcpmint diff`: a tool parameter's `x-mcp-header` mirror
added, removed or renamed, and the caching hints of lists and reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcpmint.spec.header_rules import header_params
from mcpmint.specdiff.rules import MISSING, Change, as_mapping, canon, join, record

Spec = Mapping[str, Any]


def compare_header_mirrors(out: list[Change], path: str, old: Spec, new: Spec) -> None:
    """Each parameter's `Mcp-Param-*` header, by its path in the inputSchema."""
    before = header_params(as_mapping(old.get("inputSchema")))
    after = header_params(as_mapping(new.get("inputSchema")))
    where = join(path, "inputSchema")
    for param in sorted(before.keys() | after.keys()):
        o, n = before.get(param), after.get(param)
        at = where
        for name in param.split("."):
            at = join(join(at, "properties"), name)
        at = join(at, "x-mcp-header")
        if o is None and n is not None:
            detail = f"parameter '{param}' now mirrored into header Mcp-Param-{n}"
            record(out, "header-mirror-added", at, detail)
        elif n is None and o is not None:
            detail = f"parameter '{param}' no longer mirrored into Mcp-Param-{o}"
            record(out, "header-mirror-removed", at, detail)
        elif o is not None and n is not None and o.lower() != n.lower():
            detail = f"parameter '{param}': header Mcp-Param-{o} is now Mcp-Param-{n}"
            record(out, "header-mirror-renamed", at, detail)


def compare_cache(out: list[Change], old: Spec, new: Spec) -> None:
    """The spec's `cache:` per method, and each resource's and template's own."""
    before, after = as_mapping(old.get("cache")), as_mapping(new.get("cache"))
    for method in sorted(before.keys() | after.keys(), key=str):
        _hint(out, f"cache[{method}]", before.get(method), after.get(method))
    for key, field in (("resources", "uri"), ("resourceTemplates", "name")):
        kept = _by(old, key, field), _by(new, key, field)
        for name in sorted(kept[0].keys() & kept[1].keys()):
            o, n = kept[0][name].get("cache"), kept[1][name].get("cache")
            _hint(out, f"{key}[{name}].cache", o, n)


def _hint(out: list[Change], path: str, old: Any, new: Any) -> None:
    if canon(old if old is not None else MISSING) == canon(
        new if new is not None else MISSING
    ):
        return
    shown = [_shown(v) for v in (old, new)]
    record(out, "cache-hint-changed", path, f"caching hint {shown[0]} -> {shown[1]}")


def _shown(hint: Any) -> str:
    if not isinstance(hint, Mapping):
        return "(default)"
    return ", ".join(f"{k}: {hint[k]}" for k in ("ttlMs", "cacheScope") if k in hint)


def _by(spec: Spec, key: str, field: str) -> dict[str, Spec]:
    items = spec.get(key)
    return {
        item[field]: item
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, Mapping) and isinstance(item.get(field), str)
    }
