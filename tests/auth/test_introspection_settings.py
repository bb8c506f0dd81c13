"""Introspection's settings: the spec's table, its variables, its options."""

from __future__ import annotations

import pytest
from mcpmint_runtime.oauth import Introspection, OAuthSettings
from mcpmint_runtime.options import build_parser, parse_args, settings_from_args

ISSUER = "https://auth.example.com"
TABLE = {"clientIdEnv": "NOTES_ID", "clientSecretEnv": "NOTES_SECRET"}
SPEC = {"issuer": ISSUER, "resource": "https://mcp.example.com/mcp"}
ENV = {"NOTES_ID": "notes-server", "NOTES_SECRET": "s3cret"}


def _oauth(argv: list[str], spec: dict[str, object]) -> OAuthSettings | None:
    parser = build_parser("pkg", ("http",), None, oauth=spec)
    settings = settings_from_args(parse_args(parser, ["http", *argv]), parser)
    found: OAuthSettings | None = getattr(settings, "oauth", None)
    return found


def test_the_documented_defaults_and_the_secret_kept_out_of_reprs() -> None:
    found = Introspection.from_spec(TABLE, ENV)
    assert (found.client_id, found.client_secret, found.endpoint) == (
        "notes-server",
        "s3cret",
        None,  # read from the issuer's metadata
    )
    assert (found.cache_seconds, found.cache_size) == (30.0, 10_000)
    assert "s3cret" not in repr(found)


def test_the_spec_table_its_variables_and_the_options_make_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    spec = {**SPEC, "introspection": {**TABLE, "endpoint": f"{ISSUER}/introspect"}}
    argv = [
        "--oauth-introspection-endpoint",
        f"{ISSUER}/i",
        "--oauth-introspection-cache",
        "0",
    ]
    oauth = _oauth(argv, spec)
    assert oauth is not None and oauth.introspection is not None
    assert (oauth.introspection.endpoint, oauth.introspection.cache_seconds) == (
        f"{ISSUER}/i",
        0.0,
    )
    oauth = _oauth([], spec)
    assert oauth is not None and oauth.introspection is not None
    assert oauth.introspection.endpoint == f"{ISSUER}/introspect"
    assert _oauth([], SPEC).introspection is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("argv", "spec", "message"),
    [
        (
            [],
            {**SPEC, "introspection": TABLE},
            "the introspection credentials' variable NOTES_SECRET "
            "(auth.introspection.clientSecretEnv) is unset or empty",
        ),
        (
            ["--oauth-introspection-endpoint", f"{ISSUER}/i"],
            SPEC,
            "--oauth-introspection-endpoint needs the spec's auth.introspection "
            "(the variables of this server's client credentials)",
        ),
    ],
    ids=["unset-variable", "endpoint-without-introspection"],
)
def test_a_half_configuration_exits_2_with_one_line(
    argv: list[str],
    spec: dict[str, object],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTES_ID", "notes-server")
    monkeypatch.delenv("NOTES_SECRET", raising=False)
    with pytest.raises(SystemExit) as exited:
        _oauth(argv, spec)
    assert exited.value.code == 2
    assert capsys.readouterr().err == f"python -m pkg: error: {message}\n"
