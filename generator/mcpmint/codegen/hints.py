"""The 2026-07-28 details the spec decides: caching hints (SEP-2549), every default
applied; and which parameters a tool mirrors into headers (SEP-2243), which the
generated code needs nothing for: tools/list serves the annotations as written, the
SDK's Streamable HTTP server checks the headers and the SDK client sends them."""

from __future__ import annotations

from dataclasses import replace

from mcpmint.codegen.ir import CacheIR, ProjectIR
from mcpmint.spec.format import Cache, CacheHint, Spec
from mcpmint.spec.header_rules import CACHE_KEYS

Hint = tuple[int, str]
# What a result carries when nothing is said: the SDK's CacheableResult defaults.
DEFAULT_TTL_MS = 0
DEFAULT_SCOPE = "private"


def with_hints(project: ProjectIR, spec: Spec) -> ProjectIR:
    """`project` with the spec's caching hints."""
    return replace(project, cache=cache_ir(spec))


def cache_ir(spec: Spec) -> CacheIR | None:
    """The hints with their defaults; None when the spec gives none."""
    by_method = _by_method(spec.cache)
    read = by_method.get("resources/read")
    resources = tuple((str(r.uri), _own(r.cache, read)) for r in spec.resources)
    templates = tuple(
        (t.uriTemplate, _own(t.cache, read)) for t in spec.resourceTemplates
    )
    if not any(h for _, h in resources + templates):
        resources, templates = (), ()
    methods = tuple((m, _full(h, None)) for m, h in by_method.items())
    if not methods and not resources and not templates:
        return None
    return CacheIR(methods=methods, resources=resources, templates=templates)


def _by_method(cache: Cache | None) -> dict[str, CacheHint]:
    if cache is None:
        return {}
    found = {
        field.alias: getattr(cache, name) for name, field in Cache.model_fields.items()
    }
    return {m: found[m] for m in CACHE_KEYS if found.get(m) is not None}


def _own(hint: CacheHint | None, read: CacheHint | None) -> Hint | None:
    return None if hint is None else _full(hint, read)


def _full(hint: CacheHint, fallback: CacheHint | None) -> Hint:
    """`hint`, its unset keys from `fallback`, then the SDK's defaults."""
    ttl, scope = hint.ttlMs, hint.cacheScope
    if fallback is not None:
        ttl = fallback.ttlMs if ttl is None else ttl
        scope = scope or fallback.cacheScope
    return (DEFAULT_TTL_MS if ttl is None else ttl, scope or DEFAULT_SCOPE)
