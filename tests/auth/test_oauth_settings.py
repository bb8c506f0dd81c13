"""OAuth's defaults and its command-line mistakes, in process."""

from __future__ import annotations

import pytest
from mcpmint_runtime.oauth import OAuthSettings
from mcpmint_runtime.options import build_parser, parse_args, settings_from_args

ISSUER = "https://auth.example.com"
SPEC = {"issuer": ISSUER, "resource": "https://mcp.example.com/mcp"}


def test_the_documented_defaults() -> None:
    settings = OAuthSettings.from_spec(SPEC)
    assert settings.algorithms == ("RS256", "ES256")
    assert (settings.leeway, settings.jwks_min_refresh) == (5.0, 5.0)
    assert settings.jwks_max_age == 3600.0  # the keys fetched again after an hour
    assert settings.metadata_url() == (
        "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
    )


def _settings(argv: list[str], oauth: dict[str, str] | None = None) -> object:
    parser = build_parser("pkg", ("http",), None, oauth=oauth)
    return settings_from_args(parse_args(parser, argv), parser)


def test_the_options_override_the_spec_urls() -> None:
    argv = ["http", "--oauth-resource", "http://127.0.0.1:9/mcp"]
    settings = _settings(argv, {**SPEC, "requiredScopes": ["a"]})
    oauth = getattr(settings, "oauth", None)
    assert oauth is not None
    assert (oauth.issuer, oauth.resource, oauth.required_scopes) == (
        ISSUER,
        "http://127.0.0.1:9/mcp",
        ("a",),
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--oauth-issuer", ISSUER], "OAuth needs --oauth-resource too"),
        (
            ["--oauth-issuer", ISSUER, "--oauth-resource", ISSUER, "--token-env", "T"],
            "a static token (--token-env) and OAuth exclude each other",
        ),
    ],
)
def test_a_half_or_doubled_configuration_exits_2_with_one_line(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("T", "a-token")
    with pytest.raises(SystemExit) as exited:
        _settings(["http", *argv])
    assert exited.value.code == 2
    assert capsys.readouterr().err == f"python -m pkg: error: {message}\n"
