"""The command line: subcommands per spec, options from flags and environment."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from transport_helpers import TOKEN, TOKEN_ENV

pytestmark = pytest.mark.timeout(60)

ALL = ("stdio", "http", "sse", "websocket")


def _cli() -> Any:
    from mcpmint_runtime import options as cli

    return cli


def _parse(argv: list[str], transports: tuple[str, ...] = ALL) -> Any:
    cli = _cli()
    parser = cli.build_parser("fakepkg", transports, TOKEN_ENV)
    return parser, cli.parse_args(parser, argv)


def _subcommands(transports: tuple[str, ...]) -> set[str]:
    help_text = _cli().build_parser("fakepkg", transports).format_help()
    return set(re.findall(r"^    ([a-z]+)", help_text, flags=re.MULTILINE))


@pytest.mark.usefixtures("pkg_root")
def test_subcommands_follow_the_transports_the_spec_enables() -> None:
    assert _subcommands(ALL) == {"stdio", "http", "sse", "websocket", "serve"}
    assert _subcommands(("stdio",)) == {"stdio"}
    assert _subcommands(("stdio", "sse")) == {"stdio", "sse", "serve"}
    assert _subcommands(("websocket",)) == {"websocket", "serve"}


@pytest.mark.usefixtures("pkg_root")
def test_a_disabled_transport_is_an_argument_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        _parse(["serve"], ("stdio",))
    assert exited.value.code == 2
    assert "invalid choice: 'serve'" in capsys.readouterr().err


@pytest.mark.usefixtures("pkg_root")
def test_options_come_from_the_environment_and_flags_win(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MCP_HOST", "0.0.0.0")
    monkeypatch.setenv("MCP_PORT", "9123")
    monkeypatch.setenv("MCP_ALLOWED_HOSTS", "api.example:*, mcp.internal:8443")
    monkeypatch.setenv("MCP_STATELESS", "true")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    parser, args = _parse(["serve", "--port", "9200", "--json-response"])
    settings = _cli().settings_from_args(args, parser)
    assert (settings.host, settings.port) == ("0.0.0.0", 9200)
    assert settings.allowed_hosts == ("api.example:*", "mcp.internal:8443")
    assert settings.stateless and settings.json_response
    assert settings.token == TOKEN
    assert TOKEN not in repr(settings)


@pytest.mark.usefixtures("pkg_root")
def test_default_allowed_hosts_are_the_loopback_names_and_the_bound_address() -> None:
    cli = _cli()
    local = cli.defaults.NetworkSettings()
    assert local.effective_allowed_hosts() == [
        "127.0.0.1",
        "127.0.0.1:*",
        "localhost",
        "localhost:*",
        "[::1]",
        "[::1]:*",
    ]
    bound = cli.defaults.NetworkSettings(host="10.0.0.5")
    assert {"10.0.0.5", "10.0.0.5:*"} <= set(bound.effective_allowed_hosts())
    wildcard = cli.defaults.NetworkSettings(host="0.0.0.0")
    assert "0.0.0.0:*" not in wildcard.effective_allowed_hosts()


def test_a_named_but_unset_token_variable_stops_with_a_clear_error(
    pkg_root: Path,
) -> None:
    env = {"PYTHONPATH": str(pkg_root), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "fakepkg", "http", "--token-env", "NO_SUCH_TOKEN_VAR"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "NO_SUCH_TOKEN_VAR is unset or empty" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_the_stdio_subcommand_imports_no_network_module(pkg_root: Path) -> None:
    env = {"PYTHONPATH": str(pkg_root), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "fakepkg", "stdio"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "mcpmint_runtime.transports.stdio" in imported
    unwanted = {
        "mcpmint_runtime.transports.app",
        "mcpmint_runtime.transports.network",
        "mcpmint_runtime.transports.websocket",
        "mcpmint_runtime.transports.security",
        "websockets",
        "uvloop",
        "httptools",
    }
    assert imported & unwanted == set()


def test_a_port_in_use_fails_with_a_message_and_no_traceback(pkg_root: Path) -> None:
    env = {"PYTHONPATH": str(pkg_root), "PATH": "/usr/bin:/bin"}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = subprocess.run(
            [sys.executable, "-m", "fakepkg", "http", "--port", port],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode != 0
    assert "address already in use" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.usefixtures("pkg_root")
def test_session_limits_for_http_from_flags_and_environment_zero_lifts_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    cli = _cli()

    def settings_of(argv: list[str]) -> Any:
        parser, args = _parse(argv)
        return cli.settings_from_args(args, parser)

    settings = settings_of(["http"])
    assert (settings.session_idle_timeout, settings.max_sessions) == (300.0, 10_000)
    flags = ["serve", "--session-idle-timeout", "2.5", "--max-sessions", "3"]
    settings = settings_of(flags)
    assert (settings.session_idle_timeout, settings.max_sessions) == (2.5, 3)
    monkeypatch.setenv("MCP_SESSION_IDLE_TIMEOUT", "0")
    monkeypatch.setenv("MCP_MAX_SESSIONS", "0")
    settings = settings_of(["http"])
    assert (settings.session_idle_timeout, settings.max_sessions) == (None, None)
    # Only the subcommands that serve Streamable HTTP take them.
    with pytest.raises(SystemExit):
        _parse(["websocket", "--max-sessions", "3"])
    for wrong in (["--max-sessions", "-1"], ["--session-idle-timeout", "-1"]):
        with pytest.raises(SystemExit) as exited:
            settings_of(["http", *wrong])
        assert exited.value.code == 2
