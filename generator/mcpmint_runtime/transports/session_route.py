"""Session ids that name their replica, so a proxy can route a session by its id.

A stateful Streamable HTTP session lives in the process that answered `initialize`;
every later request of the session must reach that process. The SDK makes session
ids at random, which no proxy can map to a replica by hashing, so with
`--session-route NAME` (`MCP_SESSION_ROUTE`) this replica hands out
`Mcp-Session-Id: NAME.<id>` and takes the prefix off again on the way in. An nginx
`map` on the header's prefix then picks the replica (docs/nginx/mcp-sessions.conf);
`initialize`, which carries no id yet, goes to any replica.

An id with another replica's prefix is unknown here: 404, as for an expired session,
and the client starts a new one.
"""

from __future__ import annotations

import re
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SessionRoute", "route_name"]

HEADER: Final = b"mcp-session-id"
_NAME = re.compile(r"[A-Za-z0-9_-]{1,32}")


def route_name(text: str) -> str:
    """The option's parser: a short name made of letters, digits, `-` and `_`."""
    if not _NAME.fullmatch(text.strip()):
        raise ValueError("not a route name (1-32 letters, digits, - or _)")
    return text.strip()


class SessionRoute:
    """ASGI: `Mcp-Session-Id` is `<route>.<SDK's id>` outside, the bare id inside."""

    def __init__(self, app: ASGIApp, route: str) -> None:
        self._app = app
        self._prefix = route.encode("ascii") + b"."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = [
            (name, self._inward(value)) if name.lower() == HEADER else (name, value)
            for name, value in scope.get("headers") or ()
        ]

        async def outward(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": self._named(message)}
            await send(message)

        await self._app({**scope, "headers": headers}, receive, outward)

    def _inward(self, value: bytes) -> bytes:
        # Another replica's id stays as it is: unknown here, answered 404.
        return value[len(self._prefix) :] if value.startswith(self._prefix) else value

    def _named(self, message: Message) -> list[tuple[bytes, bytes]]:
        return [
            (name, self._prefix + value) if name.lower() == HEADER else (name, value)
            for name, value in message.get("headers") or ()
        ]
