"""The OAuth 2.1 resource server's settings, the verified principal, the challenges.

The server validates access tokens issued for it (`jwt_verify`), publishes where to
get one (RFC 9728 metadata, `transports/oauth_guard`) and asks for more scope when a
call needs it. A handler sees who called: `principal(ctx)` (or `ctx.principal`).
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_ALGORITHMS",
    "AuthorizationUnavailable",
    "InsufficientScope",
    "Introspection",
    "InvalidToken",
    "OAuthSettings",
    "Principal",
    "TokenVerifier",
    "bearer_challenge",
    "current_principal",
    "principal",
]

DEFAULT_ALGORITHMS = ("RS256", "ES256")
DEFAULT_LEEWAY = 5.0  # seconds of clock skew allowed on exp, nbf and iat
DEFAULT_JWKS_MIN_REFRESH = 5.0  # an unknown kid refetches the keys at most this often
DEFAULT_JWKS_MAX_AGE = 3600.0  # the keys are refetched this long after the last fetch
# The generated OAUTH table's scope tables and the OAuthSettings fields they fill.
_TABLES = (
    ("toolScopes", "tool_scopes"),
    ("promptScopes", "prompt_scopes"),
    ("resourceScopes", "resource_scopes"),
    ("templateScopes", "template_scopes"),
)
SCOPE_ERROR = -32043  # JSON-RPC error of a call without its scopes (no HTTP status)
DEFAULT_INTROSPECTION_CACHE = 30.0  # seconds an accepted introspection answer is kept
DEFAULT_INTROSPECTION_CACHE_SIZE = 10_000  # answers kept at most


@dataclass(frozen=True, slots=True)
class Introspection:
    """Opaque tokens, checked at the issuer's introspection endpoint (RFC 7662)."""

    client_id: str  # this server's own client, to authenticate to the endpoint
    client_secret: str = field(repr=False)
    endpoint: str | None = None  # None: the issuer metadata's introspection_endpoint
    cache_seconds: float = DEFAULT_INTROSPECTION_CACHE
    cache_size: int = DEFAULT_INTROSPECTION_CACHE_SIZE

    @classmethod
    def from_spec(
        cls, table: Mapping[str, Any], environ: Mapping[str, str], **overrides: Any
    ) -> Introspection:
        """From the spec's `auth.introspection` keys, the credentials read from
        the variables it names; ValueError names an unset one."""
        credentials = []
        for key in ("clientIdEnv", "clientSecretEnv"):
            name = str(table.get(key) or "")
            if not environ.get(name):
                raise ValueError(
                    f"the introspection credentials' variable {name or '(none)'} "
                    f"(auth.introspection.{key}) is unset or empty"
                )
            credentials.append(environ[name])
        values: dict[str, Any] = {"endpoint": table.get("endpoint")}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(credentials[0], credentials[1], **values)


@dataclass(frozen=True, slots=True)
class OAuthSettings:
    """Which tokens the server accepts, and what each call needs of them."""

    issuer: str  # the authorization server (`iss`), e.g. https://auth.example.com
    resource: (
        str  # this server's URL (`aud`, RFC 8707), e.g. https://mcp.example.com/mcp
    )
    jwks_uri: str | None = None  # None: read from the issuer's metadata
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    required_scopes: tuple[str, ...] = ()  # every request needs these
    tool_scopes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    prompt_scopes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    resource_scopes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    template_scopes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    filter_tools: bool = False  # tools/list shows only the tools a caller may call
    leeway: float = DEFAULT_LEEWAY
    jwks_min_refresh: float = DEFAULT_JWKS_MIN_REFRESH
    jwks_max_age: float = DEFAULT_JWKS_MAX_AGE
    introspection: Introspection | None = None  # None: tokens are JWTs, checked here

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], **overrides: Any) -> OAuthSettings:
        """From the generated `OAUTH` table (the spec's `auth:` keys), overridden."""
        values: dict[str, Any] = {
            "issuer": spec.get("issuer", ""),
            "resource": spec.get("resource", ""),
            "jwks_uri": spec.get("jwksUri"),
            "algorithms": tuple(spec.get("algorithms") or DEFAULT_ALGORITHMS),
            "required_scopes": tuple(spec.get("requiredScopes") or ()),
        }
        for key, name in _TABLES:
            table = spec.get(key) or {}
            values[name] = {entry: tuple(scopes) for entry, scopes in table.items()}
        values.update({k: v for k, v in overrides.items() if v not in (None, "")})
        return cls(**values)

    def scopes_for(self, method: Any, params: Any) -> tuple[str, ...]:
        """Every scope a tools/call, prompts/get or resources/read needs: the
        server's, then its tool's, prompt's or resource's own; () for the rest."""
        params = params if isinstance(params, Mapping) else {}
        key = params.get("uri" if method == "resources/read" else "name")
        key = key if isinstance(key, str) else ""
        if method == "tools/call":
            own = self.tool_scopes.get(key, ())
        elif method == "prompts/get":
            own = self.prompt_scopes.get(key, ())
        elif method == "resources/read":
            own = self._resource_scopes(key)
        else:
            return ()
        return self.required_scopes + tuple(
            s for s in own if s not in self.required_scopes
        )

    def _resource_scopes(self, uri: str) -> tuple[str, ...]:
        if uri in self.resource_scopes:
            return self.resource_scopes[uri]
        from mcp.shared.uri_template import UriTemplate

        for template, scopes in self.template_scopes.items():
            if UriTemplate.parse(template).match(uri) is not None:
                return scopes
        return ()

    def metadata_url(self) -> str:
        """Where the RFC 9728 document of `resource` is: the path-suffixed form."""
        parts = urlsplit(self.resource)
        path = parts.path.rstrip("/")
        return f"{parts.scheme}://{parts.netloc}/.well-known/oauth-protected-resource{path}"

    def metadata(self) -> dict[str, Any]:
        """The Protected Resource Metadata document (RFC 9728)."""
        document: dict[str, Any] = {
            "resource": self.resource,
            "authorization_servers": [self.issuer],
            "bearer_methods_supported": ["header"],
        }
        scopes = list(self.required_scopes)
        for _, name in _TABLES:
            for own in getattr(self, name).values():
                scopes += [s for s in own if s not in scopes]
        if scopes:
            document["scopes_supported"] = scopes
        return document


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a verified token speaks for. The token itself is never kept."""

    subject: str | None  # `sub`
    client_id: str | None  # `client_id` (RFC 9068), else `azp`
    scopes: frozenset[str]  # `scope`, split on spaces
    expires_at: int | None = None  # `exp`, seconds since the epoch
    claims: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def has(self, scopes: tuple[str, ...]) -> bool:
        """True if the token grants every one of `scopes`."""
        return self.scopes.issuperset(scopes)


class InvalidToken(Exception):
    """A token the server does not accept; the message says why (never the token)."""


class AuthorizationUnavailable(Exception):
    """The authorization server (its keys, its introspection) cannot be asked: 503."""


class TokenVerifier(Protocol):
    """What the guard asks of a token: JWTs (`jwt_verify`) or introspection."""

    async def verify(self, token: str) -> Principal:
        """The principal of a valid token; InvalidToken says what is wrong."""
        ...


class InsufficientScope(Exception):
    """A call needing scopes the token lacks."""

    def __init__(self, needed: tuple[str, ...]) -> None:
        super().__init__("insufficient scope: this call needs " + " ".join(needed))
        self.needed = needed


# Set by the guard while it serves a connection: WebSocket handlers run under it.
current_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "mcpmint_principal", default=None
)
SCOPE_KEY = "mcpmint.principal"  # where the guard puts it in an HTTP request's scope


def principal(sdk_context: Any) -> Principal | None:
    """The verified caller of a request (a handler's `ctx.sdk`); None without OAuth."""
    request = getattr(sdk_context, "request", None)
    scope = getattr(request, "scope", None)
    if isinstance(scope, dict) and isinstance(scope.get(SCOPE_KEY), Principal):
        found: Principal = scope[SCOPE_KEY]
        return found
    return current_principal.get()


def bearer_challenge(
    settings: OAuthSettings,
    *,
    error: str | None = None,
    description: str | None = None,
    scopes: tuple[str, ...] = (),
) -> str:
    """A `WWW-Authenticate: Bearer` value naming the metadata and the scope asked."""
    params = [("resource_metadata", settings.metadata_url())]
    if error is not None:
        params.append(("error", error))
    if description is not None:
        params.append(("error_description", description))
    if scopes:
        params.append(("scope", " ".join(scopes)))
    return "Bearer " + ", ".join(f'{k}="{_quoted(v)}"' for k, v in params)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
