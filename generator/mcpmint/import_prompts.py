"""`mcpmint import`, prompts: every page of prompts/list as spec entries, each built
by a handler."""

from __future__ import annotations

from typing import Any

from mcpmint.import_resources import _pages

_WIRE: dict[str, Any] = {"mode": "json", "by_alias": True, "exclude_none": True}
PROMPT_KEYS = ("name", "title", "description", "icons", "_meta", "arguments")


async def served_prompts(client: Any) -> list[dict[str, Any]]:
    """Every prompt the client's server lists, as spec entries.

    prompts/list says each prompt's arguments, not its messages (only prompts/get
    with arguments does, and a handler may answer each differently), so every entry
    gets `handler: true`: the messages stay the server's code.
    """
    capabilities = client.server_capabilities
    if capabilities is None or capabilities.prompts is None:
        return []
    prompts = await _pages(client.list_prompts, "prompts", "prompts/list")
    return [_entry(p.model_dump(**_WIRE)) for p in prompts]


def _entry(dump: dict[str, Any]) -> dict[str, Any]:
    entry = {k: dump[k] for k in PROMPT_KEYS if k in dump} | dump
    return entry | {"handler": True}
