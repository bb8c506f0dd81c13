"""JWT access tokens checked against the issuer's published keys (JWKS).

Checked: the signature (an allowed algorithm, a key of the issuer's JWKS), `iss`,
`aud` against this server's resource (RFC 8707), `exp` and `nbf` with a small
leeway. The JWKS is fetched with httpx (async), cached, refetched when a token
names an unknown `kid` (at most once per `jwks_min_refresh` seconds, so a stream of
forged kids cannot flood the issuer) and once it is `jwks_max_age` old. Its URL is
given, or read from the issuer's metadata (RFC 8414, then OpenID discovery).
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
import httpx2
import jwt

from .issuer_metadata import named_url
from .oauth import AuthorizationUnavailable, InvalidToken, OAuthSettings, Principal

__all__ = ["JwtVerifier", "KeysUnavailable"]

logger = logging.getLogger(__name__)

_FETCH_TIMEOUT = 10.0


class KeysUnavailable(AuthorizationUnavailable):
    """The issuer's metadata or keys could not be fetched (the server's problem)."""


class JwtVerifier:
    """Verifies access tokens for one resource server; one per app."""

    def __init__(self, settings: OAuthSettings) -> None:
        self._settings = settings
        self._jwks_uri = settings.jwks_uri
        self._keys: dict[str | None, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._failed_at: float | None = None  # the last failed fetch: no retry soon
        self._failure = ""
        self._lock = anyio.Lock()

    async def verify(self, token: str) -> Principal:
        """The principal of a valid token; InvalidToken says what is wrong."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("the token is not a JWT") from None
        alg = header.get("alg")
        if alg not in self._settings.algorithms:
            raise InvalidToken(f"algorithm {alg!r} is not accepted")
        key = await self._key(header.get("kid"))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[alg],
                audience=self._settings.resource,
                issuer=self._settings.issuer,
                leeway=self._settings.leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise InvalidToken("the token is not valid yet") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken("the token was not issued for this resource") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken("the token was issued by another issuer") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"the token is invalid ({type(exc).__name__})") from None
        return _principal(claims)

    async def _key(self, kid: str | None) -> jwt.PyJWK:
        """The key named `kid`, refetching the keys once if it is unknown."""
        key = self._known(kid)
        now = anyio.current_time()
        stale = self._fetched_at is None or (
            now - self._fetched_at >= self._settings.jwks_max_age
        )
        if key is not None and not stale:
            return key
        async with self._lock:
            # Another request may have refetched (or failed to) while this one waited.
            if self._recent(self._failed_at):
                raise KeysUnavailable(f"fetching the keys failed: {self._failure}")
            if not self._recent(self._fetched_at):
                try:
                    await self._refresh()
                except KeysUnavailable as exc:
                    self._failed_at, self._failure = anyio.current_time(), str(exc)
                    raise
        key = self._known(kid)
        if key is None:
            raise InvalidToken(
                "the token is signed with a key the issuer does not list"
            )
        return key

    def _recent(self, when: float | None) -> bool:
        """True within the cooldown after `when` (None: never happened)."""
        cooldown = self._settings.jwks_min_refresh
        return when is not None and anyio.current_time() - when < cooldown

    def _known(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        async with httpx2.AsyncClient(timeout=_FETCH_TIMEOUT) as client:
            if self._jwks_uri is None:
                self._jwks_uri = await _jwks_uri(client, self._settings.issuer)
            document = await _get_json(client, self._jwks_uri)
        keys: dict[str | None, jwt.PyJWK] = {}
        for entry in document.get("keys") or ():
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
                continue
            try:
                key = jwt.PyJWK.from_dict(entry)
            except jwt.PyJWTError:  # a key type or curve this library cannot use
                continue
            keys[key.key_id] = key
        self._keys = keys
        self._fetched_at = anyio.current_time()
        self._failed_at = None
        logger.info("Fetched %d signing key(s) from %s", len(keys), self._jwks_uri)


async def _jwks_uri(client: httpx2.AsyncClient, issuer: str) -> str:
    found = await named_url(client, issuer, "jwks_uri")
    if found is None:
        raise KeysUnavailable(f"no metadata with a jwks_uri found for issuer {issuer}")
    return found


async def _get_json(client: httpx2.AsyncClient, url: str) -> dict[str, Any]:
    try:
        response = await client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (httpx2.HTTPError, ValueError) as exc:
        raise KeysUnavailable(f"{url}: {exc}") from None
    if not isinstance(document, dict):
        raise KeysUnavailable(f"{url}: not a JSON object")
    return document


def _principal(claims: dict[str, Any]) -> Principal:
    scope = claims.get("scope")
    if isinstance(scope, str):
        scopes = frozenset(scope.split())
    elif isinstance(scope, list):  # some issuers send `scp` or a list
        scopes = frozenset(str(s) for s in scope)
    else:
        scopes = frozenset(str(s) for s in claims.get("scp") or ())
    client = claims.get("client_id", claims.get("azp"))
    exp = claims.get("exp")
    return Principal(
        subject=claims.get("sub"),
        client_id=client if isinstance(client, str) else None,
        scopes=scopes,
        expires_at=exp if isinstance(exp, int) else None,
        claims=claims,
    )
