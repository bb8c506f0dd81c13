"""One table of options: docs/transports.md's table is the code's, and every variable
in it behaves as its flag does (same value, same setting; same bad value, exit 2)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.timeout(60)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "transports.md"
ALL = ("stdio", "http", "sse", "websocket")
# flag -> (a good value, what it parses to, a bad value); bool flags take none.
SAMPLES: dict[str, tuple[str, Any, str]] = {
    "--log-level": ("DEBUG", "debug", "verbose"),
    "--grace-period": ("2.5", 2.5, "-1"),
    "--tool-timeout": ("7", 7.0, "soon"),
    "--internal-errors": ("show", "show", "maybe"),
    "--host": ("0.0.0.0", "0.0.0.0", " "),
    "--port": ("9123", 9123, "99999"),
    "--allowed-host": ("a.example:*,b.example", ["a.example:*", "b.example"], None),
    "--allowed-origin": ("http://a.example", ["http://a.example"], None),
    "--token-env": ("", "", "NOT-A-NAME"),
    "--max-body-size": ("1000", 1000, "-5"),
    "--stateless": ("1", True, "maybe"),
    "--session-idle-timeout": ("0", 0.0, "inf"),
    "--max-sessions": ("0", 0, "-1"),
    "--json-response": ("yes", True, "maybe"),
    "--ws-max-size": ("65536", 65536, "0"),
    "--ws-ping-interval": ("0", 0.0, "nan"),
    "--tls-cert": ("cert.pem", "cert.pem", " "),
    "--tls-key": ("key.pem", "key.pem", " "),
    "--log-format": ("JSON", "json", "xml"),
    "--log-arguments": ("yes", True, "sometimes"),
    "--metrics": ("on", True, "maybe"),
    "--metrics-port": ("9464", 9464, "0"),
    "--oauth-issuer": ("https://id.example", "https://id.example", "id.example"),
    "--oauth-resource": ("http://127.0.0.1/mcp", "http://127.0.0.1/mcp", "ftp://x"),
    "--oauth-filter-tools": ("on", True, "maybe"),
    "--oauth-introspection-endpoint": (
        "https://id.example/i",
        "https://id.example/i",
        "x",
    ),
    "--oauth-introspection-cache": ("0", 0.0, "-1"),
    "--bus-url": ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0", " "),
    "--session-route": ("replica-1", "replica-1", "a.b"),
}


def _docs_rows() -> list[tuple[str, list[str]]]:
    """(flag, variables) of each row of the docs' option table."""
    rows = []
    for line in DOCS.read_text().splitlines():
        match = re.match(r"\| `(--[a-z-]+)[^|]*\| ([^|]+) \|", line)
        if match:
            rows.append((match[1], re.findall(r"`(MCP_[A-Z_]+)`", match[2])))
    return rows


ROWS = [(flag, var) for flag, variables in _docs_rows() for var in variables]


def _parse(argv: list[str]) -> Any:
    from mcpmint_runtime.options import build_parser, parse_args

    parser = build_parser("fakepkg", ALL, "SPEC_TOKEN", tool_timeout=True)
    return parse_args(parser, ["serve", *argv])


def test_the_docs_option_table_is_the_code_s() -> None:
    from mcpmint_runtime.option_table import OPTIONS, markdown_table

    assert markdown_table() in DOCS.read_text(), "paste:\n" + markdown_table()
    assert (
        {flag for flag, _ in _docs_rows()} == {o.flag for o in OPTIONS} == set(SAMPLES)
    )


@pytest.mark.usefixtures("pkg_root")
@pytest.mark.parametrize(("flag", "variable"), ROWS, ids=[v for _, v in ROWS])
def test_a_variable_gives_the_setting_its_flag_gives(
    flag: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mcpmint_runtime.option_table import BY_FLAG

    option = BY_FLAG[flag]
    good, parsed, _ = SAMPLES[flag]
    argv = [flag] if option.kind == "bool" else [flag, good]
    from_flag = getattr(_parse(argv), option.dest)
    monkeypatch.setenv(variable, good)
    from_variable = getattr(_parse([]), option.dest)
    assert from_flag == from_variable == parsed


# Options with a value that can be refused (every list of names is valid: empty items
# are dropped).
REFUSABLE = [
    (flag, variable) for flag, variable in ROWS if SAMPLES[flag][2] is not None
]


@pytest.mark.usefixtures("pkg_root")
@pytest.mark.parametrize(("flag", "variable"), REFUSABLE, ids=[v for _, v in REFUSABLE])
def test_a_bad_value_exits_2_with_one_line_from_flag_or_variable(
    flag: str,
    variable: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mcpmint_runtime.option_table import BY_FLAG

    bad = SAMPLES[flag][2]
    assert bad is not None
    kind = BY_FLAG[flag].kind
    argv = [f"{flag}={bad}"] if kind == "bool" else [flag, bad]
    with pytest.raises(SystemExit) as exited:
        _parse(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and flag in err, err
    monkeypatch.setenv(variable, bad)
    with pytest.raises(SystemExit) as exited:
        _parse([])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err == f"python -m fakepkg: error: {variable}: " + err.split(": ", 3)[3]
    assert err.count("\n") == 1 and repr(bad) in err, err


@pytest.mark.usefixtures("pkg_root")
def test_the_flag_wins_over_the_variable_and_an_empty_token_env_opts_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MCP_PORT", "9000")
    assert _parse(["--port", "9001"]).port == 9001
    assert _parse([]).token_env == "SPEC_TOKEN"  # the spec's default
    monkeypatch.setenv("MCP_TOKEN_ENV", "")
    assert _parse([]).token_env == ""
    monkeypatch.setenv("MCP_ALLOWED_HOSTS", "old.example")  # the older name
    monkeypatch.setenv("MCP_ALLOWED_HOST", "new.example")
    assert _parse([]).allowed_host == ["new.example"]


@pytest.mark.parametrize(
    ("env", "argv", "line"),
    [
        (
            {"MCP_PORT": "99999"},
            [],
            "python -m fakepkg: error: MCP_PORT: not a port (1-65535, or 0: any free "
            "port): '99999'",
        ),
        (
            {},
            ["--max-body-size", "-5"],
            "python -m fakepkg http: error: argument --max-body-size: not a size in "
            "bytes (1 or more): '-5'",
        ),
        (
            {"MCP_LOG_LEVEL": "verbose"},
            [],
            "python -m fakepkg: error: MCP_LOG_LEVEL: not one of critical, error, "
            "warning, info, debug: 'verbose'",
        ),
        (
            {},
            ["--port", "99999"],
            "python -m fakepkg http: error: argument --port: not a port (1-65535, or "
            "0: any free port): '99999'",
        ),
    ],
)
def test_a_server_with_a_bad_option_exits_2_with_the_documented_line(
    pkg_root: Path, env: dict[str, str], argv: list[str], line: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fakepkg", "http", "--token-env", "", *argv],
        env={"PYTHONPATH": str(pkg_root), "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (done.returncode, done.stderr, done.stdout) == (2, line + "\n", "")
    # docs/transports.md quotes the first two for the weather server
    documented = line.replace("fakepkg", "weather")
    if "MCP_PORT" in line or "max-body-size" in line:
        assert documented in DOCS.read_text()
