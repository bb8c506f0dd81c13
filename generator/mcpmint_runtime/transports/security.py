"""Checks every network request passes before reaching a transport.

DNS-rebinding protection (Host, then Origin) and the optional bearer token, for
HTTP and WebSocket handshakes alike: the SDK's own checks cover only its HTTP
transports, and WebSocket is ours. `/healthz` is exempt, so probes that address
the pod by IP need neither a token nor an allowed Host.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Collection, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from .. import metrics

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/healthz"})
_DENIAL = "websocket.http.response"  # ASGI extension: an HTTP answer to a handshake


def value_allowed(value: str, patterns: Sequence[str]) -> bool:
    """True if `value` equals a pattern, or matches a `prefix:*` pattern on a port."""
    for pattern in patterns:
        if value == pattern:
            return True
        if pattern.endswith(":*"):
            prefix = pattern[:-1]
            if value.startswith(prefix) and value[len(prefix) :].isdigit():
                return True
    return False


def token_matches(authorization: str | None, token: str) -> bool:
    """Constant-time check of an `Authorization: Bearer <token>` header."""
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        given = ""
    return hmac.compare_digest(given.strip().encode(), token.encode())


class RequestGuard:
    """ASGI middleware: 421 on a bad Host, 403 on a bad Origin, 401 without token."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: Sequence[str],
        allowed_origins: Sequence[str],
        token: str | None,
        refuse_new_work: Callable[[Scope], bool] = lambda scope: False,
        open_paths: Collection[str] = OPEN_PATHS,
    ) -> None:
        self._app = app
        self._hosts = [pattern.lower() for pattern in allowed_hosts]
        self._origins = list(allowed_origins)
        self._token = token
        self._refuse_new_work = refuse_new_work
        self._open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] in ("http", "websocket")
            and scope["path"] not in self._open_paths
        ):
            # One pass over the raw headers (ASGI names are lower-case): building
            # starlette's `Headers` and three lookups cost more than the checks.
            host = origin = authorization = None
            for name, value in scope.get("headers") or ():
                if name == b"host":
                    host = value if host is None else host
                elif name == b"origin":
                    origin = value if origin is None else origin
                elif name == b"authorization":
                    authorization = value if authorization is None else authorization
            if host is not None and host != host.lower():
                scope = _lower_host(scope)  # host names match in any letter case
                host = host.lower()
            denial = self._denial(scope, host, origin, authorization)
            if denial is not None:
                status, text, headers = denial
                await deny(scope, send, status, text, headers)
                return
        await self._app(scope, receive, send)

    def _denial(
        self,
        scope: Scope,
        raw_host: bytes | None,
        raw_origin: bytes | None,
        raw_authorization: bytes | None,
    ) -> tuple[int, str, dict[str, str]] | None:
        host = "" if raw_host is None else raw_host.decode("latin-1")
        if not value_allowed(host, self._hosts):
            logger.warning("Refused Host header %r (see --allowed-host)", host[:100])
            return 421, "Invalid Host header", {}
        if raw_origin is not None:
            origin = raw_origin.decode("latin-1")
            if not value_allowed(origin, self._origins):
                logger.warning("Refused Origin %r (see --allowed-origin)", origin[:100])
                return 403, "Invalid Origin header", {}
        if self._token is not None:
            given = raw_authorization is not None
            authorization = None
            if raw_authorization is not None:
                authorization = raw_authorization.decode("latin-1")
            if not token_matches(authorization, self._token):
                metrics.auth_failure("invalid_token" if given else "missing_token")
                why = "not the server's token" if given else "no Authorization header"
                logger.info("Refused a request to %s: %s", scope["path"][:100], why)
                return 401, "Unauthorized", {"WWW-Authenticate": "Bearer"}
        if self._refuse_new_work(scope):
            return 503, "Shutting down", {"Retry-After": "1", "Connection": "close"}
        return None


def _lower_host(scope: Scope) -> Scope:
    """`scope` with its (first) Host header lower-cased (the SDK checks it again,
    exactly)."""
    headers = list(scope.get("headers") or ())
    for index, (name, value) in enumerate(headers):
        if name == b"host":
            headers[index] = (name, value.lower())
            break
    return {**scope, "headers": headers}


async def deny(
    scope: Scope, send: Send, status: int, text: str, headers: dict[str, str]
) -> None:
    """Answer an HTTP request, or refuse a WebSocket handshake, with `status`."""
    raw_headers = [(b"content-type", b"text/plain; charset=utf-8")]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    body = text.encode()
    raw_headers.append((b"content-length", str(len(body)).encode()))
    if scope["type"] == "http":
        prefix = "http."
    elif _DENIAL in scope.get("extensions", {}):
        prefix = "websocket.http."
    else:  # the server cannot send an HTTP answer: closing refuses with 403
        await send({"type": "websocket.close", "code": 1008})
        return
    await send(
        {"type": prefix + "response.start", "status": status, "headers": raw_headers}
    )
    await send({"type": prefix + "response.body", "body": body})
