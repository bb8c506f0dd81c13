"""`mcpmint import`, resources: every page of resources/list and
resources/templates/list as spec entries, each read by a handler."""

from __future__ import annotations

from typing import Any

_WIRE: dict[str, Any] = {"mode": "json", "by_alias": True, "exclude_none": True}
RESOURCE_KEYS = ("uri", "name", "title", "description", "mimeType", "size",
                 "annotations", "icons", "_meta")  # fmt: skip
TEMPLATE_KEYS = ("uriTemplate", "name", "title", "description", "mimeType",
                 "annotations", "icons", "_meta")  # fmt: skip


class EndlessPages(Exception):
    """A list whose cursors come round again."""


async def served_resources(
    client: Any,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every resource and template the client's server lists, as spec entries.

    The contents stay with the server's code: each entry gets `handler: true` (a
    snapshot of the contents would freeze what may be dynamic), and each template
    variable `{type: string}`, what the wire carries.
    """
    capabilities = client.server_capabilities
    if capabilities is None or capabilities.resources is None:
        return [], []
    resources = [
        _entry(r.model_dump(**_WIRE), RESOURCE_KEYS) | {"handler": True}
        for r in await _pages(client.list_resources, "resources", "resources/list")
    ]
    templates = [
        _template(t.model_dump(**_WIRE))
        for t in await _pages(
            client.list_resource_templates,
            "resource_templates",
            "resources/templates/list",
        )
    ]
    return resources, templates


async def _pages(method: Any, key: str, name: str) -> list[Any]:
    found: list[Any] = []
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        page = await method(cursor=cursor)
        found += getattr(page, key)
        if (cursor := page.next_cursor) is None:
            return found
        if cursor in seen:
            method_name = key.replace("_", "/").replace(
                "resource/templates", "resources/templates"
            )
            raise EndlessPages(f"{method_name}/list never ends ({len(seen) + 1} pages)")
        seen.add(cursor)


def _entry(dump: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: dump[k] for k in keys if k in dump} | dump


def _template(dump: dict[str, Any]) -> dict[str, Any]:
    from mcp.shared.uri_template import InvalidUriTemplate, UriTemplate

    entry = _entry(dump, TEMPLATE_KEYS)
    try:
        names = UriTemplate.parse(entry["uriTemplate"]).variable_names
    except InvalidUriTemplate:
        names = []  # validation then says what the SDK cannot match
    return entry | {"variables": {name: {"type": "string"} for name in names}}
