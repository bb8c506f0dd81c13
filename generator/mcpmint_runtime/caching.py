"""The spec's 2026-07-28 caching hints (SEP-2549) on the SDK's low-level server.

A list's hint goes to the SDK (`Server.cache_hints`), which fills `ttlMs` and
`cacheScope` on the results of that method; results of older eras never carry
them. A resource or template with its own hint gets it on the reads it answers,
before the server-wide `resources/read` hint fills what is still unset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, cast

import mcp_types as types
from mcp.server.caching import CacheHint, apply_cache_hint, validate_cache_hints
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.uri_template import UriTemplate

Hint = tuple[int, str]  # (ttlMs, cacheScope)


def attach_cache_hints(
    server: Server[Any],
    methods: Mapping[str, Hint],
    resources: Mapping[str, Hint | None] | None = None,
    templates: Sequence[tuple[str, Hint | None]] = (),
) -> None:
    """Serve `methods`' hints, and those of `resources` (every static URI) and
    `templates` (every template, in the order reads try them) on `resources/read`."""
    hints = dict(server.cache_hints)
    hints.update({method: _hint(hint) for method, hint in methods.items()})
    server.cache_hints = validate_cache_hints(hints)
    resources = resources or {}
    if any(resources.values()) or any(hint for _, hint in templates):
        _hint_reads(server, resources, templates)


def _hint(hint: Hint) -> CacheHint:
    ttl_ms, scope = hint
    return CacheHint(ttl_ms, cast(Literal["public", "private"], scope))


def _hint_reads(
    server: Server[Any],
    resources: Mapping[str, Hint | None],
    templates: Sequence[tuple[str, Hint | None]],
) -> None:
    entry = server.get_request_handler("resources/read")
    if entry is None:
        return
    read = entry.handler
    by_uri = {u: None if h is None else _hint(h) for u, h in resources.items()}
    parsed = [
        (UriTemplate.parse(t), None if h is None else _hint(h)) for t, h in templates
    ]

    def hint_for(uri: str) -> CacheHint | None:
        if uri in by_uri:
            return by_uri[uri]
        for template, hint in parsed:
            if template.match(uri) is not None:
                return hint  # the template that answers the read, as resources.py
        return None

    async def on_read(
        ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> Any:
        result = await read(ctx, params)
        hint = hint_for(str(params.uri))
        if hint is not None and isinstance(result, types.ReadResourceResult):
            result = apply_cache_hint(result, hint)
        return result

    server.add_request_handler(
        "resources/read", types.ReadResourceRequestParams, on_read
    )
