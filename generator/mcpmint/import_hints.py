"""`mcpmint import`, caching hints: the `ttlMs` and `cacheScope` a server puts on its
lists, read over a second connection in the 2026-07-28 era (the main one is the
handshake era, where results carry none). `x-mcp-header` needs nothing here: it is
part of a tool's inputSchema, imported as served."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import anyio

MODERN = "2026-07-28"
# What a result carries when the server says nothing: the spec leaves those out.
_DEFAULT = (0, "private")
_LISTS = (
    ("tools/list", "tools", "list_tools"),
    ("prompts/list", "prompts", "list_prompts"),
    ("resources/list", "resources", "list_resources"),
    ("resources/templates/list", "resources", "list_resource_templates"),
)
logger = logging.getLogger(__name__)


async def served_cache(connect: Callable[[], Any]) -> dict[str, dict[str, Any]]:
    """The hints of every list the server serves, by method, where not the default;
    empty when it does not speak 2026-07-28 (or fails to: the import goes on)."""
    from mcp import Client

    try:
        async with Client(connect(), mode="auto", cache=None) as client:
            if client.protocol_version != MODERN:
                return {}
            return await _hints(client)
    except anyio.get_cancelled_exc_class():
        raise
    except Exception as exc:  # a server that only speaks the handshake era
        logger.debug("no 2026-07-28 caching hints: %s", exc)
        return {}


async def _hints(client: Any) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    capabilities = client.server_capabilities
    for method, capability, call in _LISTS:
        if getattr(capabilities, capability, None) is None:
            continue
        page = await getattr(client, call)()
        hint = (page.ttl_ms, page.cache_scope)
        if hint != _DEFAULT:
            found[method] = {"ttlMs": hint[0], "cacheScope": hint[1]}
    return found
