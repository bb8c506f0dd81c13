"""The OAuth 2.1 resource server on every network road: challenges and metadata.

An ASGI middleware after the request guard (Host, Origin): every request but
/healthz and the metadata carries `Authorization: Bearer <access token>`, verified
by `jwt_verify` (or, for opaque tokens, `introspection`). Without one: 401 and
`WWW-Authenticate: Bearer resource_metadata=..., scope=...`; with a bad one, the
same with `error="invalid_token"`. A POST whose `tools/call`, `prompts/get` or
`resources/read` needs scopes the token lacks gets 403 `error="insufficient_scope"`
naming every scope the call needs (the step-up challenge python-sdk#3103 leaves
out). On WebSocket, where no HTTP answer is left after the handshake, the same
check answers the call with a JSON-RPC error (`install_scope_check`).

The Protected Resource Metadata (RFC 9728) is served at
`/.well-known/oauth-protected-resource` and at the path-suffixed form of the
resource (`/.well-known/oauth-protected-resource/mcp`). Tokens are never logged
and never passed on: the handlers see the verified principal, not the token.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ..introspection import token_verifier
from ..oauth import (
    SCOPE_ERROR,
    SCOPE_KEY,
    AuthorizationUnavailable,
    InvalidToken,
    OAuthSettings,
    Principal,
    TokenVerifier,
    bearer_challenge,
    current_principal,
    principal,
)
from .posts import read_body, replay
from .security import OPEN_PATHS, deny
from .session_owners import BOUND, SessionOwners, unknown_session

__all__ = ["OAuthGuard", "install_scope_check", "metadata_paths"]

logger = logging.getLogger(__name__)

WELL_KNOWN = "/.well-known/oauth-protected-resource"
_POSTS = ("/mcp", "/messages/")  # where a POST may carry a request


def metadata_paths(settings: OAuthSettings) -> frozenset[str]:
    """The paths serving the metadata document: the root and path-suffixed forms."""
    path = urlsplit(settings.resource).path.rstrip("/")
    return frozenset({WELL_KNOWN, WELL_KNOWN + path})


class OAuthGuard:
    """ASGI middleware: 401 without a valid token, 403 without the call's scopes."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: OAuthSettings,
        max_body_size: int,
        verifier: TokenVerifier | None = None,
        open_paths: Collection[str] = OPEN_PATHS,
    ) -> None:
        self._app = app
        self._settings = settings
        self._verifier = verifier or token_verifier(settings)
        self._max_body_size = max_body_size
        self._metadata = metadata_paths(settings)
        self._open_paths = frozenset(open_paths)
        self._owners = SessionOwners()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        path = scope["path"]
        if path in self._metadata and scope["type"] == "http":
            document = JSONResponse(self._settings.metadata())
            await document(scope, receive, send)
            return
        if path in self._open_paths:
            await self._app(scope, receive, send)
            return
        found = await self._principal(scope, send)
        if found is None:
            return
        scope = {**scope, SCOPE_KEY: found}
        if scope["type"] == "http" and path in BOUND:
            if not self._owners.allows(scope, found):  # another principal's session
                await deny(scope, send, 404, unknown_session(path), {})
                return
            send = self._owners.recording(scope, send, found)
        if scope["type"] == "http" and scope["method"] == "POST" and path in _POSTS:
            checked = await self._check_post(scope, receive, send, found)
            if checked is None:
                return
            receive = checked
        reset = current_principal.set(found)  # WebSocket sessions run under it
        try:
            await self._app(scope, receive, send)
        finally:
            current_principal.reset(reset)

    async def _principal(self, scope: Scope, send: Send) -> Principal | None:
        """The verified caller, or None once the request was refused."""
        required = self._settings.required_scopes
        token = _bearer(Headers(scope=scope).get("authorization"))
        if token is None:
            await self._refuse(scope, send, 401, required)
            return None
        try:
            found = await self._verifier.verify(token)
        except InvalidToken as exc:
            logger.info("Refused an access token: %s", exc)  # never the token
            await self._refuse(
                scope, send, 401, required, "invalid_token", description=str(exc)
            )
            return None
        except AuthorizationUnavailable as exc:
            logger.warning("Cannot check access tokens: %s", exc)
            await deny(scope, send, 503, "Authorization unavailable", {})
            return None
        if not found.has(required):
            await self._refuse(scope, send, 403, required, "insufficient_scope")
            return None
        return found

    async def _check_post(
        self, scope: Scope, receive: Receive, send: Send, found: Principal
    ) -> Receive | None:
        """The body replayed, or None once answered (403 for a call without scope)."""
        length = Headers(scope=scope).get("content-length")
        raw_length = None if length is None else length.encode("latin-1")
        limit = self._max_body_size
        body = await read_body(scope, receive, send, raw_length, limit)
        if body is None:
            return None
        needed = self._needed(body)
        if not found.has(needed):
            await self._refuse(scope, send, 403, needed, "insufficient_scope")
            return None
        return replay(body, receive)

    def _needed(self, body: bytes) -> tuple[str, ...]:
        """Every scope the body's requests need (the server's included)."""
        try:
            document = json.loads(body)
        except ValueError:
            return ()  # the next layer answers -32700
        needed: list[str] = []
        for message in document if isinstance(document, list) else [document]:
            for scope in _call_scopes(self._settings, message):
                if scope not in needed:
                    needed.append(scope)
        return tuple(needed)

    async def _refuse(
        self,
        scope: Scope,
        send: Send,
        status: int,
        scopes: tuple[str, ...],
        error: str | None = None,
        *,
        description: str | None = None,
    ) -> None:
        value = bearer_challenge(
            self._settings, error=error, description=description, scopes=scopes
        )
        text = "Unauthorized" if status == 401 else "Forbidden"
        await deny(scope, send, status, text, {"WWW-Authenticate": value})


def _bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _call_scopes(settings: OAuthSettings, message: Any) -> tuple[str, ...]:
    if not isinstance(message, dict):
        return ()
    return settings.scopes_for(message.get("method"), message.get("params"))


def _keep_callable(
    result: Any, settings: OAuthSettings, caller: Principal | None
) -> None:
    """Drop from a tools/list result the tools `caller` lacks the scopes of."""
    tools = result.get("tools") if isinstance(result, dict) else None
    if caller is None or not isinstance(tools, list):
        return
    result["tools"] = [
        tool
        for tool in tools
        if caller.has(_call_scopes(settings, {"method": "tools/call", "params": tool}))
    ]


def install_scope_check(server: Server[Any], settings: OAuthSettings) -> None:
    """Answer a request without its scopes with a JSON-RPC error (any road)."""

    async def check(
        ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method in ("tools/call", "prompts/get", "resources/read"):
            caller = principal(ctx)
            call = {"method": ctx.method, "params": dict(ctx.params or {})}
            needed = _call_scopes(settings, call)
            if caller is not None and not caller.has(needed):
                missing = [s for s in needed if s not in caller.scopes]
                raise MCPError(
                    SCOPE_ERROR,
                    "Insufficient scope: this call needs " + " ".join(needed),
                    {"scope": " ".join(needed), "missing": missing},
                )
        result = await call_next(ctx)
        if ctx.method == "tools/list" and settings.filter_tools:
            _keep_callable(result, settings, principal(ctx))
        return result

    server.middleware.append(check)
