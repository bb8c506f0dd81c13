"""The command line's options: one subcommand per transport, plus `serve`.

Every option also reads an environment variable (`MCP_HOST`, `MCP_PORT`, ...) for
containers; the command line wins. Every option's help ends with its default (the
environment's value when it sets one).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from . import redact
from .errors import INTERNAL_ERRORS
from .hosts import HOSTS
from .transports import settings as defaults

NETWORK_TRANSPORTS = ("http", "sse", "websocket")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def build_parser(
    name: str,
    transports: Sequence[str],
    token_env: str | None = None,
    *,
    tool_timeout: bool = False,
    call: bool = False,
) -> argparse.ArgumentParser:
    """The argument parser: subcommands for the enabled transports only, and `call`
    and `config` (listed for --help; `cli.run` and the generated `__main__` handle
    them before parsing)."""
    parser = argparse.ArgumentParser(prog=f"python -m {name}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common_options(tool_timeout)
    if "stdio" in transports:
        sub = commands.add_parser(
            "stdio", parents=[common], help="serve on stdin/stdout"
        )
        _add_internal_errors(sub, "show")
    helps = {
        "http": "serve Streamable HTTP at /mcp",
        "sse": "serve legacy SSE at /sse and /messages/",
        "websocket": "serve WebSocket at /ws (subprotocol mcp)",
    }
    enabled = [t for t in NETWORK_TRANSPORTS if t in transports]
    for transport in enabled:
        sub = commands.add_parser(transport, parents=[common], help=helps[transport])
        _add_network_options(sub, {transport}, token_env)
    if enabled:
        sub = commands.add_parser(
            "serve", parents=[common], help="every network transport on one port"
        )
        _add_network_options(sub, set(enabled), token_env)
    if call:
        sub = commands.add_parser(
            "call",
            help="call one tool in process and print what a client sees "
            "(exit 1 on a tool error)",
        )
        sub.add_argument("tool", metavar="TOOL")
        sub.add_argument("arguments", nargs="?", metavar="JSON", default="{}")
        # Handled by the generated __main__ (it knows the settings), listed here.
        sub = commands.add_parser(
            "config",
            help="print the JSON a desktop host needs to start this server over stdio",
        )
        sub.add_argument("host", choices=sorted(HOSTS))
    return parser


def _internal_errors(text: str) -> str:
    value = text.strip().lower()
    if value not in INTERNAL_ERRORS:
        choices = " or ".join(INTERNAL_ERRORS)
        raise argparse.ArgumentTypeError(f"{choices}, not {text!r}")
    return value


def _add_internal_errors(sub: argparse.ArgumentParser, default: str) -> None:
    sub.add_argument(
        "--internal-errors",
        type=_internal_errors,  # also applied to the environment's value
        default=_env("INTERNAL_ERRORS", default),
        metavar="{show,hide}",
        help="what a client sees of an unexpected exception in a handler: its "
        "message (show), or an id whose traceback is logged (hide) (env "
        "MCP_INTERNAL_ERRORS; default %(default)s)",
    )


def _env(key: str, default: str) -> str:
    return os.environ.get(f"MCP_{key}") or default


def _env_flag(key: str) -> bool:
    return _env(key, "").strip().lower() in ("1", "true", "yes", "on")


def _env_list(key: str) -> list[str]:
    return [item.strip() for item in _env(key, "").split(",") if item.strip()]


def _seconds(text: str) -> float:
    """A duration on the command line: a finite number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        message = f"not a number of seconds (0 or more): {text!r}"
        raise argparse.ArgumentTypeError(message)
    return value


def _common_options(tool_timeout: bool = False) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    if tool_timeout:
        common.add_argument(
            "--tool-timeout",
            type=_seconds,  # also applied to the environment's value
            default=os.environ.get("MCP_TOOL_TIMEOUT") or None,
            metavar="SECONDS",
            help="a call of a tool without its own `timeout:` in the spec answers a "
            "tool error after this long (env MCP_TOOL_TIMEOUT; 0: no limit; default: "
            "the spec's server.toolTimeout)",
        )
    common.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        type=str.lower,
        default=_env("LOG_LEVEL", "info"),
        help="stderr log level (env MCP_LOG_LEVEL; default %(default)s)",
    )
    common.add_argument(
        "--grace-period",
        type=float,
        default=_env("GRACE_PERIOD", str(defaults.DEFAULT_GRACE_PERIOD)),
        metavar="SECONDS",
        help="on SIGTERM/SIGINT, wait this long for requests in flight "
        "(env MCP_GRACE_PERIOD; a second signal stops at once; default %(default)s)",
    )
    return common


def _add_network_options(
    sub: argparse.ArgumentParser, transports: set[str], token_env: str | None
) -> None:
    _add_internal_errors(sub, "hide")
    add = sub.add_argument
    add(
        "--host",
        default=_env("HOST", defaults.DEFAULT_HOST),
        help="address to bind (env MCP_HOST; default %(default)s)",
    )
    add(
        "--port",
        type=int,
        default=_env("PORT", str(defaults.DEFAULT_PORT)),
        help="port to bind (env MCP_PORT; default %(default)s)",
    )
    add(
        "--allowed-host",
        action="append",
        dest="allowed_hosts",
        metavar="HOST",
        help="a Host header to accept; repeatable (env MCP_ALLOWED_HOSTS, "
        "comma-separated; default: the loopback names and the bound host's, any port)",
    )
    add(
        "--allowed-origin",
        action="append",
        dest="allowed_origins",
        metavar="ORIGIN",
        help="an Origin header to accept; repeatable (env MCP_ALLOWED_ORIGINS, "
        "comma-separated; default: http:// loopback origins, any port)",
    )
    add(
        "--token-env",
        default=_env("TOKEN_ENV", token_env or ""),
        metavar="NAME",
        help="require 'Authorization: Bearer <token>', the token read from the "
        "environment variable NAME (env MCP_TOKEN_ENV; '' disables; default "
        "%(default)r)",
    )
    add(
        "--max-body-size",
        type=int,
        default=_env("MAX_BODY_SIZE", str(defaults.DEFAULT_MAX_BODY_SIZE)),
        metavar="BYTES",
        help="larger request bodies get 413 (env MCP_MAX_BODY_SIZE; "
        "default %(default)s)",
    )
    flag = argparse.BooleanOptionalAction
    if "http" in transports:
        add(
            "--stateless",
            action=flag,
            default=_env_flag("STATELESS"),
            help="no sessions: every request stands alone (env MCP_STATELESS; "
            "default %(default)s)",
        )
        add(
            "--json-response",
            action=flag,
            default=_env_flag("JSON_RESPONSE"),
            help="answer POSTs with JSON instead of an event stream "
            "(env MCP_JSON_RESPONSE; default %(default)s)",
        )
        idle = str(defaults.DEFAULT_SESSION_IDLE_TIMEOUT)
        add(
            "--session-idle-timeout",
            type=_seconds,  # also applied to the environment's value
            default=_env("SESSION_IDLE_TIMEOUT", idle),
            metavar="SECONDS",
            help="end a session with no request in flight for this long; its id then "
            "answers 404 (env MCP_SESSION_IDLE_TIMEOUT; 0: never; default %(default)s)",
        )
        add(
            "--max-sessions",
            type=int,
            default=_env("MAX_SESSIONS", str(defaults.DEFAULT_MAX_SESSIONS)),
            metavar="N",
            help="open sessions at most; past it a new session gets 503 "
            "(env MCP_MAX_SESSIONS; 0: no limit; default %(default)s)",
        )
    if "websocket" in transports:
        add(
            "--ws-max-size",
            type=int,
            default=_env("WS_MAX_SIZE", str(defaults.DEFAULT_WS_MAX_SIZE)),
            metavar="BYTES",
            help="largest WebSocket message (env MCP_WS_MAX_SIZE; default %(default)s)",
        )
        add(
            "--ws-ping-interval",
            type=float,
            default=_env("WS_PING_INTERVAL", str(defaults.DEFAULT_WS_PING_INTERVAL)),
            metavar="SECONDS",
            help="keep-alive ping period; 0 disables (env MCP_WS_PING_INTERVAL; "
            "default %(default)s)",
        )


def network_transports(command: str, transports: Sequence[str]) -> list[str]:
    """The network transports a subcommand serves."""
    if command == "serve":
        return [t for t in NETWORK_TRANSPORTS if t in transports]
    return [command]


def settings_from_args(
    args: argparse.Namespace, parser: argparse.ArgumentParser
) -> defaults.NetworkSettings:
    """The settings of a network subcommand; exits if the token variable is unset."""
    ping = getattr(args, "ws_ping_interval", defaults.DEFAULT_WS_PING_INTERVAL)
    max_sessions = getattr(args, "max_sessions", defaults.DEFAULT_MAX_SESSIONS)
    if max_sessions < 0:
        parser.error(f"--max-sessions must be 0 (no limit) or more, not {max_sessions}")
    idle = getattr(args, "session_idle_timeout", defaults.DEFAULT_SESSION_IDLE_TIMEOUT)
    return defaults.NetworkSettings(
        host=args.host,
        port=args.port,
        allowed_hosts=tuple(args.allowed_hosts or _env_list("ALLOWED_HOSTS")),
        allowed_origins=tuple(args.allowed_origins or _env_list("ALLOWED_ORIGINS")),
        token=_read_token(args.token_env, parser),
        stateless=getattr(args, "stateless", False),
        json_response=getattr(args, "json_response", False),
        session_idle_timeout=idle or None,
        max_sessions=max_sessions or None,
        max_body_size=args.max_body_size,
        ws_max_size=getattr(args, "ws_max_size", defaults.DEFAULT_WS_MAX_SIZE),
        ws_ping_interval=ping or None,
        grace_period=args.grace_period,
        log_level=args.log_level,
    )


def _read_token(variable: str, parser: argparse.ArgumentParser) -> str | None:
    if not variable:
        return None
    token = os.environ.get(variable, "")
    if not token:
        parser.error(
            f"the bearer token variable {variable} is unset or empty: set it, "
            "or pass --token-env '' to serve without a token"
        )
    redact.add_secret(token)
    return token
