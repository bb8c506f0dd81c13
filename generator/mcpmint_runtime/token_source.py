"""Where a generated client's bearer token comes from: a string, or a token source.

`ClientCredentials` gets access tokens from an OAuth 2.1 authorization server with
the client credentials grant (RFC 6749 4.4), naming the resource they are for
(RFC 8707); it finds the token endpoint in the issuer's metadata (RFC 8414, then
OpenID discovery) and keeps a token until shortly before it expires:

    source = ClientCredentials("https://auth.example.com", "my-client", secret)
    async with NotesClient.connect("https://mcp.example.com/mcp", token=source) as c:
        ...
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

import anyio
import httpx2

from .connection import ConnectionProblem
from .issuer_metadata import metadata_urls

__all__ = ["ClientCredentials", "TokenSource", "TokenUnavailable", "resolve_token"]

_MARGIN = 30.0  # a token this close to its expiry is replaced before it is used


@runtime_checkable
class TokenSource(Protocol):
    """Anything that can hand out a bearer token for `resource` (a server's URL)."""

    async def token(self, resource: str | None = None) -> str: ...


class TokenUnavailable(ConnectionProblem):
    """The authorization server gave no token (unreachable, or refused the client)."""


async def resolve_token(
    token: str | TokenSource | None, target: Any = None
) -> str | None:
    """The bearer token to send to `target`: a string as is, a source asked."""
    if token is None or isinstance(token, str):
        return token
    url = target if isinstance(target, str) else ""
    resource = url if urlsplit(url).scheme in ("http", "https") else None
    return await token.token(resource)


class ClientCredentials:
    """Access tokens of the client credentials grant, kept until near expiry."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        resource: str | None = None,
        token_endpoint: str | None = None,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self._secret = client_secret  # never printed (no __repr__ shows it)
        self.scope = scope  # space-separated; None: the client's default scopes
        self.resource = resource  # None: the URL the client connects to
        self.token_endpoint = token_endpoint  # None: from the issuer's metadata
        self._kept: dict[str | None, tuple[str, float]] = {}  # resource -> token, end

    def __repr__(self) -> str:
        return f"ClientCredentials({self.issuer!r}, {self.client_id!r}, ...)"

    async def token(self, resource: str | None = None) -> str:
        """A token for `self.resource`, else `resource`; fetched when none is kept."""
        resource = self.resource or resource
        kept = self._kept.get(resource)
        if kept is not None and anyio.current_time() < kept[1]:
            return kept[0]
        async with httpx2.AsyncClient(timeout=10) as http:
            endpoint = self.token_endpoint or await self._discover(http)
            self.token_endpoint = endpoint
            form = {"grant_type": "client_credentials"}
            if self.scope:
                form["scope"] = self.scope
            if resource:
                form["resource"] = resource
            try:
                response = await http.post(
                    endpoint, data=form, auth=(self.client_id, self._secret)
                )
            except httpx2.HTTPError as exc:
                raise TokenUnavailable(endpoint, f"cannot connect ({exc})") from None
        answer = _json(response)
        access = answer.get("access_token")
        if response.status_code != 200 or not isinstance(access, str):
            error = answer.get("error", "no access_token")
            detail = answer.get("error_description")
            reason = f"HTTP {response.status_code}: {error}"
            raise TokenUnavailable(
                endpoint, reason + (f" ({detail})" if detail else "")
            )
        lifetime = answer.get("expires_in")
        seconds = float(lifetime) if isinstance(lifetime, int | float) else 300.0
        self._kept[resource] = (access, anyio.current_time() + seconds - _MARGIN)
        return access

    async def _discover(self, http: httpx2.AsyncClient) -> str:
        for url in metadata_urls(self.issuer):
            try:
                response = await http.get(url)
            except httpx2.HTTPError as exc:
                raise TokenUnavailable(url, f"cannot connect ({exc})") from None
            endpoint = _json(response).get("token_endpoint")
            if response.status_code == 200 and isinstance(endpoint, str):
                return endpoint
        raise TokenUnavailable(self.issuer, "no metadata naming a token_endpoint")


def _json(response: httpx2.Response) -> dict[str, Any]:
    try:
        document = response.json()
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}
