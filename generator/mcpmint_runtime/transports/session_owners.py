"""Sessions bound to the principal that opened them (OAuth), on both HTTP roads.

A session id is no credential: under OAuth, a request naming a session opened by
another principal (another subject or client) is answered 404 with the SDK's own
text for an unknown session, so a leaked id is of no use with another valid token.
On Streamable HTTP the owner is learnt from the `Mcp-Session-Id` header of the
answer that created the session, and a request names it in that header; on the
legacy SSE road, from the `endpoint` event of the `GET /sse` stream that opened it
(`/messages/?session_id=...`), and a `POST /messages/` names it in its query.
"""

from __future__ import annotations

import re
import uuid
from collections import OrderedDict
from collections.abc import Iterable

from starlette.datastructures import QueryParams
from starlette.types import Message, Scope, Send

from ..oauth import Principal

__all__ = ["SessionOwners", "unknown_session"]

_LIMIT = 100_000  # sessions remembered at most; the oldest is forgotten first
_SSE_ENDPOINT = re.compile(rb"session_id=([0-9a-fA-F]{32})")
_SCAN = 4096  # bytes of an SSE stream searched for its endpoint event
Owner = tuple[str | None, str | None]  # (subject, client id)
BOUND = ("/mcp", "/sse", "/messages/")  # the paths that open or name a session


def unknown_session(path: str) -> str:
    """The SDK's answer text to a session it does not know, on `path`'s road."""
    return "Could not find session" if path == "/messages/" else "Session not found"


class SessionOwners:
    """Who opened each session, and whether a request may use its session."""

    def __init__(self, limit: int = _LIMIT) -> None:
        self._owners: OrderedDict[str, Owner] = OrderedDict()
        self._limit = limit

    def allows(self, scope: Scope, caller: Principal) -> bool:
        """False if the request names a session another principal opened."""
        if scope["path"] == "/messages/":
            session = _sse_session(scope)
        else:
            session = _header_session(scope.get("headers") or ())
        owner = self._owners.get(session) if session is not None else None
        return owner is None or owner == (caller.subject, caller.client_id)

    def recording(self, scope: Scope, send: Send, caller: Principal) -> Send:
        """`send`, noting `caller` as the owner of a session its answer creates."""
        owner = (caller.subject, caller.client_id)
        if scope["path"] == "/sse":
            return self._recording_sse(send, owner)

        async def noted(message: Message) -> None:
            if message["type"] == "http.response.start":
                session = _header_session(message.get("headers") or ())
                if session is not None:
                    self._note(session, owner)
            await send(message)

        return noted

    def _recording_sse(self, send: Send, owner: Owner) -> Send:
        seen: bytes | None = b""  # the stream's start; None once searched

        async def noted(message: Message) -> None:
            nonlocal seen
            if message["type"] == "http.response.body" and seen is not None:
                seen += message.get("body", b"")
                found = _SSE_ENDPOINT.search(seen)
                if found is not None:
                    self._note(found.group(1).decode().lower(), owner)
                if found is not None or len(seen) > _SCAN:
                    seen = None
            await send(message)

        return noted

    def _note(self, session: str, owner: Owner) -> None:
        if session not in self._owners:
            self._owners[session] = owner
            while len(self._owners) > self._limit:
                self._owners.popitem(last=False)


def _header_session(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == b"mcp-session-id":
            return value.decode("latin-1")
    return None


def _sse_session(scope: Scope) -> str | None:
    """The query's session id as the SDK reads it (any spelling of the UUID)."""
    value = QueryParams(scope.get("query_string", b"").decode("latin-1")).get(
        "session_id"
    )
    try:
        return uuid.UUID(hex=value).hex if value is not None else None
    except ValueError:
        return None  # the SDK answers 400 Invalid session ID
