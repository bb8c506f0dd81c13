"""The OAuth options' rows of `option_table.OPTIONS` (flag, parser, default, its
documentation, help, roads, metavar): the URLs a deployment knows and the spec
cannot (the issuer's, and this server's own as clients reach it)."""

from __future__ import annotations

import re
from typing import Any

from .option_values import _boolean, _seconds


def _oauth_url(text: str) -> str:
    value = text.strip()
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise ValueError("not an http(s) URL")
    return value


OAUTH_OPTION_ROWS: tuple[tuple[Any, ...], ...] = (
    (
        "--oauth-issuer",
        _oauth_url,
        None,
        "the spec's `auth.issuer`",
        "accept OAuth access tokens (JWTs, or opaque ones it introspects) of this "
        "authorization server; with `--oauth-resource`, turns OAuth on for a spec "
        "without it",
        "network",
        "URL",
    ),
    (
        "--oauth-resource",
        _oauth_url,
        None,
        "the spec's `auth.resource`",
        "this server's URL as clients reach it (e.g. `https://mcp.example.com/mcp`): "
        "the audience tokens must be issued for, named in the metadata",
        "network",
        "URL",
    ),
    (
        "--oauth-filter-tools",
        _boolean,
        False,
        "off",
        "`tools/list` shows a caller only the tools its token has the scopes of "
        "(variable: as `--stateless`)",
        "network",
        None,
        "bool",
    ),
    (
        "--oauth-introspection-endpoint",
        _oauth_url,
        None,
        "the spec's `auth.introspection.endpoint`, else the issuer's metadata's",
        "where opaque tokens are introspected (RFC 7662); needs the spec's "
        "`auth.introspection` (the variables of this server's client credentials)",
        "network",
        "URL",
    ),
    (
        "--oauth-introspection-cache",
        _seconds,
        30.0,
        "`30`",
        "how long an accepted introspection answer is kept, never past the token's "
        "`exp`; `0` asks the endpoint on every request",
        "network",
        "SECONDS",
    ),
)
