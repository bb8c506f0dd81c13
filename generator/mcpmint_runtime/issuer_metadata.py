"""An authorization server's metadata: where it is published (RFC 8414's well-known
URL, then OpenID discovery's), and the URL it names under a key. The resource server
reads `jwks_uri` and `introspection_endpoint` from it, the typed client's token
source `token_endpoint`."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import httpx2

__all__ = ["metadata_urls", "named_url"]

logger = logging.getLogger(__name__)


def metadata_urls(issuer: str) -> list[str]:
    """Where an issuer's metadata may be: RFC 8414's well-known URL, then OIDC's."""
    parts = urlsplit(issuer)
    base = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    return [
        f"{base}/.well-known/oauth-authorization-server{path}",
        f"{base}{path}/.well-known/openid-configuration",
    ]


async def named_url(client: httpx2.AsyncClient, issuer: str, key: str) -> str | None:
    """The string under `key` in the first metadata document of `issuer` that has
    one; None when none does. A document that cannot be fetched or read is passed
    over, and so is one naming another issuer (with a warning)."""
    for url in metadata_urls(issuer):
        try:
            response = await client.get(url, headers={"Accept": "application/json"})
            document = response.json() if response.status_code == 200 else None
        except (httpx2.HTTPError, ValueError):
            continue
        if not isinstance(document, dict):
            continue
        if document.get("issuer") != issuer:
            logger.warning("Metadata at %s names another issuer: ignored", url)
            continue
        value = document.get(key)
        if isinstance(value, str):
            return value
    return None
