"""What `python -m <package> stdio` loads before it answers: nothing of the client,
OAuth or the SDK's fallback transport, one subcommand's options, and no cipher for
input requests until one is sealed (issue 15: cold start and peak memory)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from mcp.server.request_state import InvalidRequestState
from mcpmint_runtime.input_state import _LazyCodec, security_from_env
from mcpmint_runtime.options import build_parser, parse_args

# The modules a stdio server's start must not import (each imported when needed).
NOT_ON_STDIO = (
    "mcpmint_runtime.compat",
    "mcpmint_runtime.connection",
    "mcpmint_runtime.oauth",
    "mcpmint_runtime.transports.stdio_sdk",
    "mcpmint_runtime.transports.app",
    "mcpmint_runtime.transports.network",
    "mcpmint_runtime.metrics",
    "mcpmint_runtime.jsonlog",
    "mcpmint_runtime.redis_bus",
)
START = """
import json, sys
import mcpmint_runtime
from mcpmint_runtime import cli, dispatch
from mcpmint_runtime.transports import drain, stdio
from mcpmint_runtime.options import build_parser, parse_args
parse_args(build_parser("pkg", ["stdio", "http"], None, only="stdio"), ["stdio"])
print(json.dumps(sorted(sys.modules)))
"""


def test_a_stdio_start_imports_no_client_oauth_or_network_module() -> None:
    done = subprocess.run(
        [sys.executable, "-c", START], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    assert "mcpmint_runtime.transports.stdio" in loaded  # the check can see them
    assert sorted(loaded.intersection(NOT_ON_STDIO)) == []


def test_the_client_names_still_come_from_the_package() -> None:
    import mcpmint_runtime
    from mcpmint_runtime.compat import ServerMismatch
    from mcpmint_runtime.connection import AuthError

    assert mcpmint_runtime.ServerMismatch is ServerMismatch
    assert mcpmint_runtime.AuthError is AuthError
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        mcpmint_runtime.Nope  # noqa: B018


COMMAND_LINES = [
    ["stdio"],
    ["stdio", "--log-level", "debug", "--tool-timeout", "3"],
    ["http", "--port", "9", "--stateless", "--json-response", "--token-env", ""],
    ["sse", "--host", "0.0.0.0", "--token-env", ""],
    ["websocket", "--ws-max-size", "2048", "--token-env", ""],
    ["serve", "--port", "9", "--token-env", ""],
]


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=lambda a: " ".join(a))
def test_one_subcommand_parses_as_with_every_subcommand_built(
    argv: list[str],
) -> None:
    transports = ["stdio", "http", "sse", "websocket"]

    def parsed(only: str | None) -> dict[str, object]:
        parser = build_parser("pkg", transports, "TOKEN", tool_timeout=True, only=only)
        return vars(parse_args(parser, argv))

    assert parsed(argv[0]) == parsed(None)


def test_a_bad_option_is_refused_the_same_way(
    capsys: pytest.CaptureFixture[str],
) -> None:
    transports = ["stdio", "http"]
    errors = []
    for only in ("stdio", None):
        parser = build_parser("pkg", transports, None, only=only)
        with pytest.raises(SystemExit) as stop:
            parse_args(parser, ["stdio", "--port", "9"])
        errors.append((stop.value.code, capsys.readouterr().err))
    assert errors[0] == errors[1]
    assert errors[0][0] == 2
    assert "unrecognized arguments: --port 9" in errors[0][1]


def test_the_cipher_is_made_at_the_first_seal() -> None:
    security = security_from_env({})
    codec = security.codec
    assert isinstance(codec, _LazyCodec)
    assert codec._codec is None  # nothing made at start
    token = codec.seal(b"state")
    assert codec._codec is not None
    assert codec.unseal(token) == b"state"
    with pytest.raises(InvalidRequestState):
        security_from_env({}).codec.unseal(token)  # another process, another key
