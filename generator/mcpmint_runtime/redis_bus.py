"""A `SubscriptionBus` over Redis pub/sub, so change events reach every replica.

`--bus-url redis://host:port/0` (or `MCP_BUS_URL`) gives the server a `RedisBus`
(needs `pip install 'mcpmint-runtime[redis]'`). An event published on one replica
(`ctx.changes.resource_updated(...)`, `list_changed(...)`, from a handler or a
lifespan task) is delivered at once to the listeners of its own process, and sent
on the Redis channel `mcpmint:<server name>:changes`; every other replica's reader
hands it to its own listeners: the `subscriptions/listen` streams (2026-07-28) and,
through `on_remote`, the handshake-era sessions of that replica.

Delivery is what pub/sub gives: at most once, no replay; an event published while
Redis is unreachable reaches this replica's clients only (a warning is logged).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import anyio
import anyio.lowlevel
from mcp.server.subscriptions import (
    PromptsListChanged,
    ResourcesListChanged,
    ResourceUpdated,
    ServerEvent,
    ToolsListChanged,
)

if TYPE_CHECKING:
    import redis.asyncio

# `redis` (the extra [redis]) is imported where used, as the other extras are.
__all__ = ["BusError", "RedisBus", "check_reachable", "safe_url"]

logger = logging.getLogger(__name__)

SCHEMES = ("redis", "rediss", "unix")
_KINDS: dict[str, ServerEvent] = {
    "tools": ToolsListChanged(),
    "prompts": PromptsListChanged(),
    "resources": ResourcesListChanged(),
}
_RETRY = 1.0  # seconds between attempts to read the channel again after an error
_CONFIRM = 10.0  # seconds Redis has to confirm the subscription at start-up

RemoteHook = Callable[[ServerEvent], Awaitable[None]]


class BusError(Exception):
    """The bus URL is wrong, or Redis cannot be reached: one line, no password."""


def safe_url(url: str) -> str:
    """`url` with its password (if any) replaced by `***`, for messages."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # cannot be split: show the scheme only
        return url.split(":", 1)[0] + "://..."
    if password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def checked_url(url: str) -> str:
    """`url` if it names a Redis server, else `BusError`."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError as exc:
        raise BusError(f"{safe_url(url)}: {exc}") from None
    if parts.scheme not in SCHEMES:
        raise BusError(
            f"{safe_url(url)}: not a Redis URL "
            "(redis://[:password@]host[:port][/db], rediss://..., unix://PATH)"
        )
    if parts.scheme != "unix" and not parts.hostname:
        raise BusError(f"{safe_url(url)}: no host")
    return url


def check_reachable(url: str, timeout: float = 3.0) -> None:
    """Ping Redis once at start-up: `BusError` when it does not answer."""
    import redis

    client = redis.Redis.from_url(
        checked_url(url), socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        raise BusError(f"{safe_url(url)}: Redis does not answer: {exc}") from None
    finally:
        client.close()


def encode(event: ServerEvent, origin: str) -> str:
    """The channel's message for `event`: JSON with the publishing replica's id."""
    if isinstance(event, ResourceUpdated):
        return json.dumps({"origin": origin, "kind": "resource", "uri": event.uri})
    kind = next(k for k, e in _KINDS.items() if type(e) is type(event))
    return json.dumps({"origin": origin, "kind": kind})


def decode(data: bytes | str) -> tuple[str, ServerEvent] | None:
    """(origin, event) of a channel message; None for one this version cannot read."""
    try:
        message = json.loads(data)
        origin, kind = message["origin"], message["kind"]
        if kind == "resource":
            return str(origin), ResourceUpdated(uri=str(message["uri"]))
        return str(origin), _KINDS[kind]
    except (ValueError, KeyError, TypeError):
        return None


class RedisBus:
    """`SubscriptionBus` whose events go to every process on the same channel."""

    def __init__(self, url: str, channel: str) -> None:
        self.url = checked_url(url)
        self.channel = channel
        self.origin = uuid.uuid4().hex  # this process, to skip its own echoes
        self._listeners: dict[object, Callable[[ServerEvent], None]] = {}
        self._remote: list[RemoteHook] = []
        self._client: redis.asyncio.Redis | None = None

    async def publish(self, event: ServerEvent) -> None:
        """Deliver `event` here at once, then to the other replicas through Redis."""
        import redis

        self._deliver(event)
        await anyio.lowlevel.checkpoint()
        if self._client is None:  # not running: no other replica to reach
            return
        try:
            await self._client.publish(self.channel, encode(event, self.origin))
        except (redis.RedisError, OSError) as exc:
            logger.warning(
                "change event not sent to the other replicas (%s): %s",
                safe_url(self.url),
                exc,
            )

    def subscribe(self, listener: Callable[[ServerEvent], None]) -> Callable[[], None]:
        """Register `listener` and return an idempotent unsubscribe callable."""
        token = object()
        self._listeners[token] = listener

        def unsubscribe() -> None:
            self._listeners.pop(token, None)

        return unsubscribe

    def on_remote(self, hook: RemoteHook) -> None:
        """Also await `hook(event)` for every event published by another replica."""
        self._remote.append(hook)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Connected and reading the channel (subscribed before this yields)."""
        import redis.asyncio

        client = redis.asyncio.Redis.from_url(self.url)
        pubsub = client.pubsub()
        try:
            with anyio.fail_after(_CONFIRM):  # a Redis that never answers
                await pubsub.subscribe(self.channel)
                while (await pubsub.get_message(timeout=1.0)) is None:
                    pass  # the subscription's confirmation: events from now on arrive
            self._client = client
            logger.info(
                "Sharing change events on %s, channel %s",
                safe_url(self.url),
                self.channel,
            )
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._read, pubsub)
                try:
                    yield
                finally:
                    tg.cancel_scope.cancel()
        finally:
            self._client = None
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            await client.aclose()

    async def _read(self, pubsub: Any) -> None:
        import redis

        while True:
            try:
                message = await pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=None
                )
            except (redis.RedisError, OSError) as exc:
                logger.warning("reading %s again: %s", safe_url(self.url), exc)
                await anyio.sleep(_RETRY)
                continue
            if message is not None and message.get("type") == "message":
                await self._received(message["data"])

    async def _received(self, data: bytes | str) -> None:
        decoded = decode(data)
        if decoded is None or decoded[0] == self.origin:
            return
        event = decoded[1]
        self._deliver(event)
        for hook in list(self._remote):
            try:
                await hook(event)
            except Exception:  # a closed session must not stop the reader
                logger.exception("handshake-era delivery of %r failed", event)

    def _deliver(self, event: ServerEvent) -> None:
        for listener in list(self._listeners.values()):
            try:
                listener(event)
            except Exception:  # fan-out boundary, as in InMemorySubscriptionBus
                logger.exception("subscription listener raised; continuing")


def attach_redis_bus(server: Any, url: str) -> RedisBus:
    """Give `server` a `RedisBus` on `url`, once Redis answered; else `BusError`."""
    from . import redact
    from .changes import SERVER_ATTR
    from .subscriptions import use_bus

    checked_url(url)
    try:
        import redis  # noqa: F401
    except ImportError:
        raise BusError(
            "needs the redis client: pip install 'mcpmint-runtime[redis]'"
        ) from None
    redact.add_secret(urlsplit(url).password)  # never in a log line either
    if getattr(server, SERVER_ATTR, None) is None:
        raise BusError(
            "this server sends no change notifications (the spec declares no "
            "`notifications:`): there is nothing to share"
        )
    check_reachable(url)
    bus = RedisBus(url, f"mcpmint:{server.name}:changes")
    use_bus(server, bus)
    return bus
