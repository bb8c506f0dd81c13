"""The command line: one subcommand per transport, plus `serve`.

The options are `option_table.OPTIONS`. Each also reads its variable (`MCP_HOST`,
`MCP_PORT`, ...) for containers, with the flag's own parser; the command line wins.
A bad value, from either, exits 2 with one line naming the flag or the variable.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from . import redact
from .hosts import HOSTS
from .option_table import LOG_LEVELS, OPTIONS
from .option_types import Option
from .transports import settings as defaults

if TYPE_CHECKING:
    from .oauth import Introspection, OAuthSettings

__all__ = [
    "LOG_LEVELS",
    "NETWORK_TRANSPORTS",
    "build_parser",
    "network_transports",
    "parse_args",
    "settings_from_args",
]

NETWORK_TRANSPORTS = ("http", "sse", "websocket")
ROADS = {  # which options each kind of subcommand takes, by Option.roads
    "stdio": ("all",),
    "http": ("all", "network", "http"),
    "sse": ("all", "network"),
    "websocket": ("all", "network", "websocket"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (no usage dump), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser(
    name: str,
    transports: Sequence[str],
    token_env: str | None = None,
    *,
    tool_timeout: bool = False,
    call: bool = False,
    oauth: Mapping[str, Any] | None = None,
    only: str | None = None,
) -> argparse.ArgumentParser:
    """The argument parser: subcommands for the enabled transports only, and `call`
    and `config` (listed for --help; `cli.run` and the generated `__main__` handle
    them before parsing). `only`: the subcommand named, the others listed bare."""
    parser = _Parser(prog=f"python -m {name}")
    parser.set_defaults(spec_token_env=token_env or "", spec_oauth=oauth)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    if "stdio" in transports:
        sub = commands.add_parser("stdio", help="serve on stdin/stdout")
        _add_options(sub, {"stdio"}, tool_timeout, only in (None, "stdio"))
    helps = {
        "http": "serve Streamable HTTP at /mcp",
        "sse": "serve legacy SSE at /sse and /messages/",
        "websocket": "serve WebSocket at /ws (subprotocol mcp)",
    }
    enabled = [t for t in NETWORK_TRANSPORTS if t in transports]
    for transport in enabled:
        sub = commands.add_parser(transport, help=helps[transport])
        _add_options(sub, {transport}, tool_timeout, only in (None, transport))
    if enabled:
        sub = commands.add_parser("serve", help="every network transport on one port")
        _add_options(sub, set(enabled), tool_timeout, only in (None, "serve"))
    if call:
        sub = commands.add_parser(
            "call",
            help="call one tool in process and print what a client sees "
            "(exit 1 on a tool error)",
        )
        sub.add_argument("tool", metavar="TOOL")
        sub.add_argument("arguments", nargs="?", metavar="JSON", default="{}")
        sub = commands.add_parser(
            "prompt", help="get one prompt in process and print its messages"
        )
        sub.add_argument("prompt", metavar="NAME")
        sub.add_argument("arguments", nargs="?", metavar="JSON", default="{}")
        sub = commands.add_parser(
            "read", help="read one resource in process and print its contents"
        )
        sub.add_argument("uri", metavar="URI")
        # Handled by the generated __main__ (it knows the settings), listed here.
        sub = commands.add_parser(
            "config",
            help="print the JSON a desktop host needs to start this server over stdio",
        )
        sub.add_argument("host", choices=sorted(HOSTS))
    return parser


def _add_options(
    sub: argparse.ArgumentParser, transports: set[str], tool_timeout: bool, wanted: bool
) -> None:
    roads = {road for t in transports for road in ROADS[t]}
    for option in OPTIONS if wanted else ():  # none for a subcommand not run
        if option.roads not in roads:
            continue
        if option.flag == "--tool-timeout" and not tool_timeout:
            continue
        default = option.default_doc
        if option.flag == "--internal-errors":
            default = "show" if transports == {"stdio"} else "hide"
        variables = " or ".join(option.variables)
        text = f"{option.help} (env {variables}; default {default})"
        text = text.replace("`", "").replace("%", "%%")
        if option.kind == "bool":
            action: Any = argparse.BooleanOptionalAction
            sub.add_argument(option.flag, action=action, default=None, help=text)
            continue
        sub.add_argument(
            option.flag,
            type=_argument_type(option),
            action="extend" if option.kind == "list" else "store",
            default=None,
            metavar=option.metavar,
            help=text,
        )


def _argument_type(option: Option) -> Any:
    def parse(text: str) -> Any:
        try:
            return option.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{exc}: {text!r}") from None

    parse.__name__ = option.dest  # argparse names the type in some messages
    return parse


def parse_args(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None = None
) -> argparse.Namespace:
    """The command line, each option not on it read from its variable with the
    flag's parser (a bad value: one line naming the variable, exit 2), else its
    default."""
    args = parser.parse_args(argv)
    for option in OPTIONS:
        if getattr(args, option.dest, None) is not None or not hasattr(
            args, option.dest
        ):
            continue
        setattr(args, option.dest, _from_environment(option, args, parser))
    return args


def _from_environment(
    option: Option, args: argparse.Namespace, parser: argparse.ArgumentParser
) -> Any:
    for variable in option.variables:
        raw = os.environ.get(variable)
        if raw is None:
            continue
        try:
            return option.parse(raw)
        except ValueError as exc:
            parser.error(f"{variable}: {exc}: {raw!r}")
    if option.flag == "--internal-errors":
        return "show" if args.command == "stdio" else "hide"
    if option.flag == "--token-env":
        return args.spec_token_env
    return option.default


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
    idle = getattr(args, "session_idle_timeout", defaults.DEFAULT_SESSION_IDLE_TIMEOUT)
    max_sessions = getattr(args, "max_sessions", defaults.DEFAULT_MAX_SESSIONS)
    return defaults.NetworkSettings(
        host=args.host,
        port=args.port,
        allowed_hosts=tuple(args.allowed_host),
        allowed_origins=tuple(args.allowed_origin),
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
        **_tls_files(args, parser),
        metrics=getattr(args, "metrics", False) and args.metrics_port is None,
        oauth=oauth_from_args(args, parser),
        session_route=_session_route(args, parser),
    )


def _session_route(
    args: argparse.Namespace, parser: argparse.ArgumentParser
) -> str | None:
    route: str | None = getattr(args, "session_route", None)
    if route and getattr(args, "stateless", False):
        parser.error(
            "--session-route names the replica in session ids; with --stateless "
            "there are none (drop one of the two)"
        )
    return route


def _tls_files(
    args: argparse.Namespace, parser: argparse.ArgumentParser
) -> dict[str, str | None]:
    from .transports.tls import tls_problem

    cert, key = args.tls_cert, args.tls_key
    problem = tls_problem(cert, key)
    if problem is not None:
        parser.error(problem)
    return {"tls_cert": cert, "tls_key": key}


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


def oauth_from_args(
    args: argparse.Namespace, parser: argparse.ArgumentParser
) -> OAuthSettings | None:
    """The OAuth settings: the spec's `auth:`, its URLs overridden by the options."""
    spec = getattr(args, "spec_oauth", None) or {}
    issuer = args.oauth_issuer or spec.get("issuer")
    resource = args.oauth_resource or spec.get("resource")
    if not (issuer or resource):
        return None
    if not (issuer and resource):
        missing = "--oauth-resource" if issuer else "--oauth-issuer"
        parser.error(f"OAuth needs {missing} too")
    if args.token_env:
        parser.error("a static token (--token-env) and OAuth exclude each other")
    from .oauth import OAuthSettings  # network servers under OAuth only

    return OAuthSettings.from_spec(
        spec,
        issuer=issuer,
        resource=resource,
        filter_tools=bool(getattr(args, "oauth_filter_tools", False)),
        introspection=_introspection(args, parser, spec.get("introspection")),
    )


def _introspection(
    args: argparse.Namespace, parser: argparse.ArgumentParser, table: Any
) -> Introspection | None:
    """The spec's `auth.introspection`, its credentials read, the options applied."""
    endpoint = getattr(args, "oauth_introspection_endpoint", None)
    if not table:
        if endpoint:
            parser.error(
                "--oauth-introspection-endpoint needs the spec's auth.introspection "
                "(the variables of this server's client credentials)"
            )
        return None
    cache = getattr(args, "oauth_introspection_cache", None)
    from .oauth import Introspection

    try:
        found = Introspection.from_spec(
            table, os.environ, endpoint=endpoint, cache_seconds=cache
        )
    except ValueError as exc:
        parser.error(str(exc))
    redact.add_secret(found.client_secret)
    return found
