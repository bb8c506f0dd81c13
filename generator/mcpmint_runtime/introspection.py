"""Opaque access tokens checked by the authorization server (RFC 7662 introspection).

With `auth.introspection`, every token is sent to the issuer's introspection
endpoint (its metadata's `introspection_endpoint`, or the one given), this server
authenticating with its own client credentials (HTTP Basic, RFC 6749 2.3.1). The
answer must be `active`, come from the issuer (`iss`, when given), name this
server's resource in `aud` (RFC 8707), hold in time (`exp`, `nbf`, with the
JWT checks' leeway), and be a plain bearer token (no `cnf` key binding, which only
the holder's proof would satisfy); its `scope` is the principal's. An accepted
answer is kept, by a hash of the token, for `cache_seconds` and never past its
`exp`, at most `cache_size` of them: a session's requests do not each cost a round
trip, and a revoked token is refused once its kept answer lapses. Refusals are not
kept. An endpoint that cannot be reached (or refuses this server) is the server's
problem: `AuthorizationUnavailable`, 503, as with the JWKS.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import quote

import httpx2

from .issuer_metadata import named_url
from .jwt_verify import JwtVerifier
from .oauth import (
    AuthorizationUnavailable,
    Introspection,
    InvalidToken,
    OAuthSettings,
    Principal,
    TokenVerifier,
)

__all__ = ["IntrospectionVerifier", "token_verifier"]

logger = logging.getLogger(__name__)

_TIMEOUT = 10.0


def token_verifier(settings: OAuthSettings) -> TokenVerifier:
    """The verifier `settings` asks for: introspection, else JWTs with the JWKS."""
    if settings.introspection is not None:
        return IntrospectionVerifier(settings, settings.introspection)
    return JwtVerifier(settings)


class IntrospectionVerifier:
    """Verifies opaque tokens for one resource server at the issuer; one per app."""

    def __init__(self, settings: OAuthSettings, introspection: Introspection) -> None:
        self._settings = settings
        self._config = introspection
        self._endpoint = introspection.endpoint
        # A failed discovery: when (monotonic) and why; not tried again within the
        # JWKS cooldown, so a dead issuer is not asked twice per request.
        self._undiscovered: tuple[float, str] | None = None
        # sha256(token) -> (kept until, principal); the oldest is forgotten first.
        self._kept: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    async def verify(self, token: str) -> Principal:
        """The principal of an active token; InvalidToken says what is wrong."""
        key = hashlib.sha256(token.encode()).hexdigest()
        now = time.time()
        kept = self._kept.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        self._kept.pop(key, None)
        found = checked(await self._introspect(token), self._settings, now)
        self._keep(key, found, now)
        return found

    def _keep(self, key: str, found: Principal, now: float) -> None:
        until = now + self._config.cache_seconds
        if found.expires_at is not None:
            until = min(until, found.expires_at)
        if until <= now or self._config.cache_size <= 0:
            return
        self._kept[key] = (until, found)
        while len(self._kept) > self._config.cache_size:
            self._kept.popitem(last=False)

    async def _introspect(self, token: str) -> dict[str, Any]:
        client_id = quote(self._config.client_id, safe="")
        secret = quote(self._config.client_secret, safe="")
        async with httpx2.AsyncClient(timeout=_TIMEOUT) as client:
            endpoint = self._endpoint or await self._discover(client)
            try:
                response = await client.post(
                    endpoint,
                    data={"token": token, "token_type_hint": "access_token"},
                    auth=(client_id, secret),
                    headers={"Accept": "application/json"},
                )
            except httpx2.HTTPError as exc:
                raise AuthorizationUnavailable(f"{endpoint}: {exc}") from None
        return _answer(endpoint, response)

    async def _discover(self, client: httpx2.AsyncClient) -> str:
        failed = self._undiscovered
        if failed and time.monotonic() - failed[0] < self._settings.jwks_min_refresh:
            raise AuthorizationUnavailable(failed[1])
        try:
            return await self._find_endpoint(client)
        except AuthorizationUnavailable as exc:
            self._undiscovered = (time.monotonic(), str(exc))
            raise

    async def _find_endpoint(self, client: httpx2.AsyncClient) -> str:
        issuer = self._settings.issuer
        endpoint = await named_url(client, issuer, "introspection_endpoint")
        if endpoint is None:
            raise AuthorizationUnavailable(
                f"no metadata with an introspection_endpoint found for issuer {issuer}"
            )
        self._endpoint = endpoint
        logger.info("Introspecting access tokens at %s", endpoint)
        return endpoint


def _answer(endpoint: str, response: httpx2.Response) -> dict[str, Any]:
    """The endpoint's JSON object; AuthorizationUnavailable for anything else."""
    try:
        document = response.json()
    except ValueError:
        document = None
    if response.status_code != 200:
        error = document.get("error") if isinstance(document, dict) else None
        why = f" ({error})" if isinstance(error, str) else ""
        raise AuthorizationUnavailable(f"{endpoint}: HTTP {response.status_code}{why}")
    if not isinstance(document, dict):
        raise AuthorizationUnavailable(f"{endpoint}: not a JSON object")
    return document


def checked(answer: dict[str, Any], settings: OAuthSettings, now: float) -> Principal:
    """The principal of an introspection answer, once every check holds."""
    if answer.get("active") is not True:
        raise InvalidToken("the token is not active")
    issuer = answer.get("iss")
    if issuer is not None and issuer != settings.issuer:
        raise InvalidToken("the token was issued by another issuer")
    audience = answer.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or settings.resource not in audiences:
        raise InvalidToken("the token was not issued for this resource")
    kind = answer.get("token_type")
    if isinstance(kind, str) and kind.lower() != "bearer":
        raise InvalidToken(f"the token is not a bearer access token ({kind})")
    if answer.get("cnf") is not None:  # its holder's proof is not checked here
        raise InvalidToken("the token is bound to a key (cnf) this server cannot check")
    exp, nbf = _number(answer.get("exp")), _number(answer.get("nbf"))
    if exp is not None and exp + settings.leeway < now:
        raise InvalidToken("the token has expired")
    if nbf is not None and nbf - settings.leeway > now:
        raise InvalidToken("the token is not valid yet")
    scope = answer.get("scope")
    subject, client = answer.get("sub"), answer.get("client_id")
    return Principal(
        subject=subject if isinstance(subject, str) else None,
        client_id=client if isinstance(client, str) else None,
        scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
        expires_at=None if exp is None else int(exp),
        claims=answer,
    )


def _number(value: Any) -> float | None:
    """A NumericDate of the answer, or None when absent or not a number."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None
