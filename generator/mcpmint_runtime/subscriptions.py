"""Serve what clients ask for to hear of changes, in both protocol eras.

`register_changes(server, declared)` gives a server its `Changes` (see
`changes.py`) and serves:

- 2026-07-28: `subscriptions/listen`, through the SDK's `ListenHandler` on a
  `SubscriptionBus` (in-process `InMemorySubscriptionBus` unless one is passed):
  the acknowledgement first, every frame tagged with the subscription id, only the
  kinds the client asked for. Serving it makes the SDK advertise `listChanged` and
  `subscribe` in `server/discover`.
- the handshake era: `resources/subscribe` and `resources/unsubscribe` (when the
  spec declares `resources: {subscribe: true}`), a subscription set per session;
  the `listChanged` flags of `initialize`'s capabilities, as declared; every
  session is counted in at `notifications/initialized`, to receive list changes.

A middleware makes the server's `Changes` `current_changes()` inside every
handler, so `ToolContext.changes` needs no other path to the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import mcp_types as types
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.models import InitializationOptions
from mcp.server.subscriptions import (
    InMemorySubscriptionBus,
    ListenHandler,
    SubscriptionBus,
)

from .changes import SERVER_ATTR, Changes, Declared, bind, changes_of, subscribed_uris

__all__ = ["Declared", "SubscriptionBus", "bus_scope", "register_changes", "use_bus"]


def register_changes(
    server: Server[Any], declared: Declared, bus: SubscriptionBus | None = None
) -> Changes:
    """Serve change notifications as `declared`, on `bus` (default: in-process)."""
    changes = Changes(declared, bus if bus is not None else InMemorySubscriptionBus())
    setattr(server, SERVER_ATTR, changes)
    _count_sessions(server, changes)
    if declared.resources_subscribe:
        _serve_subscribe(server, changes)
    server.add_request_handler(
        "subscriptions/listen",
        types.SubscriptionsListenRequestParams,
        ListenHandler(changes.bus),
    )
    _declare_list_changes(server, declared)
    server.middleware.append(_BindChanges(server))
    return changes


def use_bus(server: Server[Any], bus: SubscriptionBus) -> None:
    """Carry the server's change events on `bus` from now on (`--bus-url`).

    A bus with `on_remote` (a `RedisBus`) also hands the events of other replicas
    to this process's handshake-era sessions; `bus_scope` runs it."""
    changes = changes_of(server)  # RuntimeError: no `notifications:` in the spec
    changes.bus = bus
    server.add_request_handler(
        "subscriptions/listen",
        types.SubscriptionsListenRequestParams,
        ListenHandler(bus),
    )
    on_remote = getattr(bus, "on_remote", None)
    if on_remote is not None:
        on_remote(changes.to_sessions)


@asynccontextmanager
async def bus_scope(server: Server[Any]) -> AsyncIterator[None]:
    """Keep the server's bus running (connected) for the block, if it needs to be."""
    changes = getattr(server, SERVER_ATTR, None)
    running = getattr(getattr(changes, "bus", None), "running", None)
    if running is None:
        yield
        return
    async with running():
        yield


def _count_sessions(server: Server[Any], changes: Changes) -> None:
    async def on_initialized(
        ctx: ServerRequestContext[Any], params: types.NotificationParams
    ) -> None:
        changes.session_opened(_connection(ctx))

    server.add_notification_handler(
        "notifications/initialized", types.NotificationParams, on_initialized
    )


def _serve_subscribe(server: Server[Any], changes: Changes) -> None:
    async def on_subscribe(
        ctx: ServerRequestContext[Any], params: types.SubscribeRequestParams
    ) -> types.EmptyResult:
        connection = _connection(ctx)
        changes.session_opened(connection)  # in case `initialized` came before us
        subscribed_uris(connection).add(str(params.uri))
        return types.EmptyResult()

    async def on_unsubscribe(
        ctx: ServerRequestContext[Any], params: types.UnsubscribeRequestParams
    ) -> types.EmptyResult:
        subscribed_uris(_connection(ctx)).discard(str(params.uri))
        return types.EmptyResult()

    server.add_request_handler(
        "resources/subscribe", types.SubscribeRequestParams, on_subscribe
    )
    server.add_request_handler(
        "resources/unsubscribe", types.UnsubscribeRequestParams, on_unsubscribe
    )


def _declare_list_changes(server: Server[Any], declared: Declared) -> None:
    """`initialize` advertises the declared `listChanged` flags.

    The SDK reads them from the `NotificationOptions` given to
    `create_initialization_options`, which every transport calls without any; this
    server's own copy of that method supplies them."""
    options = NotificationOptions(
        prompts_changed=declared.prompts_list_changed,
        resources_changed=declared.resources_list_changed,
        tools_changed=declared.tools_list_changed,
    )
    original = server.create_initialization_options

    def create_initialization_options(
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        return original(
            notification_options or options, experimental_capabilities, extensions
        )

    setattr(server, "create_initialization_options", create_initialization_options)  # noqa: B010


class _BindChanges:
    """Middleware: the server's `Changes` is `current_changes()` in its handlers."""

    def __init__(self, server: Server[Any]) -> None:
        self._server = server

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        with bind(self._server):
            return await call_next(ctx)


def _connection(ctx: ServerRequestContext[Any]) -> Any:
    """The `Connection` behind a request's session: it lives as long as the session.

    `ServerRequestContext.session` is made anew for every request; the SDK offers no
    public path from a low-level handler to the connection, hence the attribute."""
    return getattr(ctx.session, "_connection")  # noqa: B009
