"""The rules of `auth:` (a static token, or an OAuth 2.1 resource server) and of
the tools' `scopes:`; each problem located.

The OAuth form needs both `issuer` and `resource`; the two forms exclude each
other, and `introspection` (opaque tokens, RFC 7662) excludes the JWT keys. URLs
are absolute, https unless on a loopback host (tests and local development);
scopes are RFC 6749 scope tokens; algorithms are asymmetric JWS ones (a resource
server holds no shared secret, and `none` signs nothing).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from mcpmint.spec.diagnostics import Diagnostic
from mcpmint.spec.load import LoadedSpec

ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512", "EdDSA",
)  # fmt: skip
_SCOPE = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]+$")  # RFC 6749 scope-token
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_URLS = ("issuer", "resource", "jwksUri")
SCOPED = ("tools", "prompts", "resources", "resourceTemplates")  # `scopes:` allowed


def auth_problems(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    """Every problem of `auth:` and of the `scopes:` of tools, prompts, resources."""
    auth = data.get("auth")
    auth = auth if isinstance(auth, dict) else {}
    keys = (*_URLS, "algorithms", "requiredScopes", "introspection")
    oauth = any(key in auth for key in keys)
    found: list[Diagnostic] = []
    if oauth and "tokenEnv" in auth:
        found.append(
            spec.diagnostic(
                "error",
                ("auth", "tokenEnv"),
                "a static token and OAuth (`issuer`, `resource`, ...) exclude "
                "each other",
                "keep `tokenEnv` for one shared token, or the OAuth keys for tokens "
                "from an authorization server",
            )
        )
    if oauth:
        found += _oauth_problems(spec, auth)
    found += _tool_scope_problems(spec, data, oauth)
    return found


def _oauth_problems(spec: LoadedSpec, auth: dict[str, Any]) -> list[Diagnostic]:
    found = []
    for key in ("issuer", "resource"):
        if key not in auth:
            found.append(
                spec.diagnostic(
                    "error",
                    ("auth",),
                    f"OAuth needs `{key}`",
                    "`issuer`: the authorization server's URL; `resource`: this "
                    "server's URL, e.g. https://mcp.example.com/mcp",
                )
            )
    for key in _URLS:
        value = auth.get(key)
        if isinstance(value, str) and (problem := _url_problem(value)) is not None:
            found.append(spec.diagnostic("error", ("auth", key), problem))
    algorithms = auth.get("algorithms")
    for i, alg in enumerate(algorithms if isinstance(algorithms, list) else ()):
        if isinstance(alg, str) and alg not in ALGORITHMS:
            found.append(
                spec.diagnostic(
                    "error",
                    ("auth", "algorithms", i),
                    f"algorithm {alg!r} is not accepted",
                    "one of " + ", ".join(ALGORITHMS) + " (asymmetric: a resource "
                    "server holds no shared secret)",
                )
            )
    found += _scope_list(spec, auth.get("requiredScopes"), ("auth", "requiredScopes"))
    return found + _introspection_problems(spec, auth)


def _introspection_problems(spec: LoadedSpec, auth: dict[str, Any]) -> list[Diagnostic]:
    """Introspection's endpoint, and the JWT keys it makes pointless."""
    introspection = auth.get("introspection")
    if not isinstance(introspection, dict):
        return []
    found = []
    for key in ("jwksUri", "algorithms"):
        if key in auth:
            found.append(
                spec.diagnostic(
                    "error",
                    ("auth", key),
                    f"`{key}` checks JWTs, and `introspection` has the issuer check "
                    "every token: they exclude each other",
                    "keep `introspection` for opaque tokens, or drop it to verify "
                    "JWTs here",
                )
            )
    endpoint = introspection.get("endpoint")
    if isinstance(endpoint, str) and (problem := _url_problem(endpoint)) is not None:
        found.append(
            spec.diagnostic("error", ("auth", "introspection", "endpoint"), problem)
        )
    names = [introspection.get(k) for k in ("clientIdEnv", "clientSecretEnv")]
    if isinstance(names[0], str) and names[0] == names[1]:
        found.append(
            spec.diagnostic(
                "error",
                ("auth", "introspection", "clientSecretEnv"),
                f"the client id and its secret in one variable ({names[0]})",
                "name two variables: one for the client id, one for its secret",
            )
        )
    return found


def _url_problem(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return f"{value!r} is not an absolute http(s) URL"
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        return f"{value!r} is not https (plain http only on a loopback host)"
    if parts.fragment or parts.query:
        return f"{value!r} has a query or fragment"
    return None


def _tool_scope_problems(
    spec: LoadedSpec, data: dict[str, Any], oauth: bool
) -> list[Diagnostic]:
    found = []
    for section in SCOPED:
        entries = data.get(section)
        for i, entry in enumerate(entries if isinstance(entries, list) else ()):
            if not isinstance(entry, dict) or "scopes" not in entry:
                continue
            if not oauth:
                found.append(
                    spec.diagnostic(
                        "error",
                        (section, i, "scopes"),
                        "scopes need OAuth: the spec's `auth:` has no `issuer`",
                        "add `auth: {issuer: ..., resource: ...}`, or drop `scopes`",
                    )
                )
            found += _scope_list(spec, entry["scopes"], (section, i, "scopes"))
    return found


def _scope_list(
    spec: LoadedSpec, scopes: Any, path: tuple[str | int, ...]
) -> list[Diagnostic]:
    found = []
    seen: set[str] = set()
    for i, scope in enumerate(scopes if isinstance(scopes, list) else ()):
        if not isinstance(scope, str):
            continue  # the structure rules say it
        if not _SCOPE.match(scope):
            found.append(
                spec.diagnostic(
                    "error",
                    (*path, i),
                    f"{scope!r} is not a scope (RFC 6749: printable ASCII, "
                    'no space, `"` or `\\`)',
                )
            )
        elif scope in seen:
            found.append(spec.diagnostic("error", (*path, i), f"{scope!r} twice"))
        seen.add(scope)
    return found
