"""Streamable HTTP sessions bound to the principal that opened them (OAuth).

A session id is no credential: under OAuth, a request naming a session opened by
another principal (another subject or client) is answered 404, as an unknown
session is, so a leaked id is of no use with another valid token. The owner is
learnt from the `Mcp-Session-Id` header of the answer that created the session.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from starlette.types import Message, Scope, Send

from ..oauth import Principal

__all__ = ["SessionOwners"]

_LIMIT = 100_000  # sessions remembered at most; the oldest is forgotten first
Owner = tuple[str | None, str | None]  # (subject, client id)


class SessionOwners:
    """Who opened each session, and whether a request may use its session."""

    def __init__(self, limit: int = _LIMIT) -> None:
        self._owners: OrderedDict[str, Owner] = OrderedDict()
        self._limit = limit

    def allows(self, scope: Scope, caller: Principal) -> bool:
        """False if the request names a session another principal opened."""
        session = _session(scope.get("headers") or ())
        owner = self._owners.get(session) if session is not None else None
        return owner is None or owner == (caller.subject, caller.client_id)

    def recording(self, send: Send, caller: Principal) -> Send:
        """`send`, noting `caller` as the owner of a session its answer creates."""

        async def noted(message: Message) -> None:
            if message["type"] == "http.response.start":
                session = _session(message.get("headers") or ())
                if session is not None and session not in self._owners:
                    self._owners[session] = (caller.subject, caller.client_id)
                    while len(self._owners) > self._limit:
                        self._owners.popitem(last=False)
            await send(message)

        return noted


def _session(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == b"mcp-session-id":
            return value.decode("latin-1")
    return None
