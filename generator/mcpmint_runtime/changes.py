"""Say that a resource or a list changed: `Changes`, one object per server.

A handler calls `ctx.changes.resource_updated(uri)` or
`ctx.changes.list_changed("tools")`; code outside a request (a task the lifespan
hook starts) calls the same methods on `current_changes()`. Each event goes two
ways at once, so both protocol eras hear it:

- 2026-07-28: published on the `SubscriptionBus`; every open `subscriptions/listen`
  stream that asked for that kind gets it (`subscriptions.py` serves them). The bus
  is pluggable: one shared by several replicas fans events out across them.
- the handshake era: sent on the standalone stream of the sessions of this process,
  `notifications/resources/updated` only to those that subscribed to the URI,
  `notifications/*/list_changed` to all of them.

An event the spec did not declare (`notifications:`) raises `ValueError`: the client
was told the server never sends it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final, Literal

from mcp.server.connection import Connection
from mcp.server.subscriptions import (
    PromptsListChanged,
    ResourcesListChanged,
    ResourceUpdated,
    ServerEvent,
    SubscriptionBus,
    ToolsListChanged,
)

__all__ = [
    "Changes",
    "Declared",
    "ListKind",
    "bind",
    "changes_of",
    "current_changes",
]

ListKind = Literal["tools", "prompts", "resources"]
# Where a server keeps its Changes, and a session its subscribed URIs.
SERVER_ATTR: Final = "mcpmint_changes"
URIS_KEY: Final = "mcpmint.subscriptions.uris"

_EVENTS: Final[dict[str, ServerEvent]] = {
    "tools": ToolsListChanged(),
    "prompts": PromptsListChanged(),
    "resources": ResourcesListChanged(),
}
_METHODS: Final[dict[str, str]] = {
    "tools": "notifications/tools/list_changed",
    "prompts": "notifications/prompts/list_changed",
    "resources": "notifications/resources/list_changed",
}
_CURRENT: ContextVar[Changes | None] = ContextVar("mcpmint_changes", default=None)


@dataclass(frozen=True, slots=True)
class Declared:
    """What the spec's `notifications:` says this server sends."""

    tools_list_changed: bool = False
    prompts_list_changed: bool = False
    resources_list_changed: bool = False
    resources_subscribe: bool = False

    def lists(self) -> tuple[ListKind, ...]:
        """The lists whose changes are announced."""
        flags: dict[ListKind, bool] = {
            "tools": self.tools_list_changed,
            "prompts": self.prompts_list_changed,
            "resources": self.resources_list_changed,
        }
        return tuple(kind for kind, on in flags.items() if on)


class Changes:
    """Announce changes to every client that asked, in both protocol eras."""

    def __init__(self, declared: Declared, bus: SubscriptionBus) -> None:
        self.declared = declared
        self.bus = bus
        # Handshake-era sessions of this process, from `notifications/initialized`
        # until the session closes.
        self._sessions: dict[Connection, None] = {}

    async def resource_updated(self, uri: str) -> None:
        """The resource at `uri` changed: subscribers may read it again."""
        if not self.declared.resources_subscribe:
            raise ValueError(
                "resource updates are not declared: set "
                "`notifications: {resources: {subscribe: true}}` in the spec"
            )
        event = ResourceUpdated(uri=uri)
        await self.bus.publish(event)
        await self.to_sessions(event)

    async def list_changed(self, kind: ListKind) -> None:
        """The list of `kind` ("tools", "prompts" or "resources") changed."""
        if kind not in _EVENTS:
            raise ValueError(f"unknown list {kind!r}: use tools, prompts or resources")
        if kind not in self.declared.lists():
            raise ValueError(
                f"{kind} list changes are not declared: set "
                f"`notifications: {{{kind}: {{listChanged: true}}}}` in the spec"
            )
        await self.bus.publish(_EVENTS[kind])
        await self.to_sessions(_EVENTS[kind])

    async def to_sessions(self, event: ServerEvent) -> None:
        """Send `event` to the handshake-era sessions of this process that hear it
        (also called by a bus shared with other replicas, for their events)."""
        if isinstance(event, ResourceUpdated):
            for connection in list(self._sessions):
                if event.uri in subscribed_uris(connection):
                    await connection.send_resource_updated(event.uri)
            return
        method = next(_METHODS[k] for k, e in _EVENTS.items() if e == event)
        for connection in list(self._sessions):
            await connection.notify(method, None)

    def session_opened(self, connection: Connection) -> None:
        """Count a handshake-era session in, until it closes."""
        if connection in self._sessions:
            return
        self._sessions[connection] = None
        connection.exit_stack.callback(self._sessions.pop, connection, None)

    @property
    def sessions(self) -> int:
        """How many handshake-era sessions are open."""
        return len(self._sessions)


def subscribed_uris(connection: Connection) -> set[str]:
    """The URIs a session subscribed to (`resources/subscribe`), in its state."""
    uris = connection.state.setdefault(URIS_KEY, set())
    assert isinstance(uris, set)
    return uris


def changes_of(server: Any) -> Changes:
    """The `Changes` of a server built with `notifications:` in its spec."""
    changes = getattr(server, SERVER_ATTR, None)
    if not isinstance(changes, Changes):
        raise RuntimeError(
            "this server sends no change notifications: declare them in the "
            "spec's `notifications:`"
        )
    return changes


def current_changes() -> Changes:
    """The `Changes` of the server whose handler or lifespan hook is running.

    Tasks the lifespan hook starts inherit it, so a background task can announce
    changes too."""
    changes = _CURRENT.get()
    if changes is None:
        raise RuntimeError(
            "no change notifications here: the spec declares no `notifications:`, "
            "or this code runs outside a handler and the lifespan hook"
        )
    return changes


@contextmanager
def bind(server: Any) -> Iterator[None]:
    """Make the server's `Changes` (if any) `current_changes()` inside the block."""
    changes = getattr(server, SERVER_ATTR, None)
    token = _CURRENT.set(changes if isinstance(changes, Changes) else None)
    try:
        yield
    finally:
        _CURRENT.reset(token)
