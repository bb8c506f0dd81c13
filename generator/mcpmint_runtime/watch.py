"""The typed client's `changes()`: one way to hear of changes in both protocol eras.

2026-07-28: a `subscriptions/listen` stream (the SDK client's `Client.listen`).
The handshake era: `resources/subscribe` for each URI asked for, and the session's
notifications, which `ChangeFeed` (the client's `message_handler`) turns into the
same typed events and hands to every open `changes()` whose filter admits them.
Either way the caller iterates `ToolsListChanged`, `PromptsListChanged`,
`ResourcesListChanged` and `ResourceUpdated(uri)` events.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio
import mcp_types as types
from anyio.streams.memory import MemoryObjectSendStream
from mcp import Client
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError
from mcp.shared.subscriptions import (
    PromptsListChanged,
    ResourcesListChanged,
    ResourceUpdated,
    ServerEvent,
    ToolsListChanged,
    event_matches,
)
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

__all__ = ["ChangeEvent", "ChangeFeed", "watch"]

# What `changes()` yields: ToolsListChanged, PromptsListChanged, ResourcesListChanged,
# ResourceUpdated(uri) (the SDK's own event types).
ChangeEvent = ServerEvent

# Events an open `changes()` may hold unread before the oldest are dropped.
BUFFER = 256


class ChangeFeed:
    """A client `message_handler`: handshake-era change notifications as events."""

    def __init__(self) -> None:
        self._streams: dict[
            MemoryObjectSendStream[ServerEvent],
            tuple[types.SubscriptionFilter, frozenset[str]],
        ] = {}

    async def __call__(self, message: Any) -> None:
        event = _event(message)
        if event is None:
            return
        for stream, (honored, uris) in list(self._streams.items()):
            if event_matches(honored, uris, event):
                try:
                    stream.send_nowait(event)
                except anyio.WouldBlock:  # an unread backlog: drop, as listen does
                    pass

    @asynccontextmanager
    async def open(
        self, honored: types.SubscriptionFilter
    ) -> AsyncIterator[AsyncIterator[ServerEvent]]:
        """The events `honored` admits, from now until the block ends."""
        send, receive = anyio.create_memory_object_stream[ServerEvent](BUFFER)
        uris = frozenset(honored.resource_subscriptions or ())
        self._streams[send] = (honored, uris)
        try:
            with receive:
                yield receive
        finally:
            self._streams.pop(send, None)
            send.close()


def _event(message: Any) -> ServerEvent | None:
    if isinstance(message, types.ResourceUpdatedNotification):
        return ResourceUpdated(uri=str(message.params.uri))
    if isinstance(message, types.ToolListChangedNotification):
        return ToolsListChanged()
    if isinstance(message, types.PromptListChangedNotification):
        return PromptsListChanged()
    if isinstance(message, types.ResourceListChangedNotification):
        return ResourcesListChanged()
    return None


@asynccontextmanager
async def watch(
    client: Client,
    feed: ChangeFeed | None,
    *,
    tools_list_changed: bool = False,
    prompts_list_changed: bool = False,
    resources_list_changed: bool = False,
    resource_uris: Sequence[str] = (),
) -> AsyncIterator[AsyncIterator[ServerEvent]]:
    """Change events the filter admits, in whichever era the client speaks."""
    if isinstance(resource_uris, str):
        raise TypeError("resource_uris takes a sequence of URIs, not a bare string")
    if client.protocol_version in MODERN_PROTOCOL_VERSIONS:
        async with client.listen(
            tools_list_changed=tools_list_changed,
            prompts_list_changed=prompts_list_changed,
            resources_list_changed=resources_list_changed,
            resource_subscriptions=resource_uris,
        ) as subscription:
            yield subscription
        return
    if feed is None:
        raise RuntimeError("this client was connected without a change feed")
    honored = types.SubscriptionFilter(
        tools_list_changed=tools_list_changed or None,
        prompts_list_changed=prompts_list_changed or None,
        resources_list_changed=resources_list_changed or None,
        resource_subscriptions=list(resource_uris) or None,
    )
    async with AsyncExitStack() as stack:
        events = await stack.enter_async_context(feed.open(honored))
        for uri in resource_uris:
            await _subscribe(client, uri, on=True)
            stack.push_async_callback(_subscribe, client, uri, on=False)
        yield events


async def _subscribe(client: Client, uri: str, *, on: bool) -> None:
    """`resources/subscribe` or `unsubscribe`; the SDK client warns of their removal
    in 2026-07-28 on every call, which says nothing to a handshake-era caller."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        if on:
            await client.subscribe_resource(uri)
            return
        try:
            with anyio.CancelScope(shield=True):
                await client.unsubscribe_resource(uri)
        except (MCPError, anyio.ClosedResourceError, anyio.BrokenResourceError):
            pass  # the session is gone, and its subscriptions with it
