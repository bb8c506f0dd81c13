"""The server's options, one row each: flag, variable, parser, default, help.

`options` builds the command line from this table and reads each variable with the
same parser as its flag, so a value means the same, and fails the same way,
wherever it comes from. docs/transports.md's option table is `markdown_table()`
(a test holds it to that).
"""

from __future__ import annotations

from .errors import INTERNAL_ERRORS
from .oauth_options import OAUTH_OPTION_ROWS
from .option_types import Option
from .option_values import (
    _boolean,
    _choice,
    _integer,
    _names,
    _nonempty,
    _seconds,
    _variable_name,
)
from .transports.session_route import route_name
from .transports.settings import (
    DEFAULT_GRACE_PERIOD,
    DEFAULT_HOST,
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_SESSIONS,
    DEFAULT_PORT,
    DEFAULT_SESSION_IDLE_TIMEOUT,
    DEFAULT_WS_MAX_SIZE,
    DEFAULT_WS_PING_INTERVAL,
)

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
ROADS = {
    "all": "all roads",
    "network": "`http`, `sse`, `websocket`, `serve`",
    "http": "`http`, `serve`",
    "websocket": "`websocket`, `serve`",
}


OPTIONS = (
    Option(
        "--log-level",
        _choice(*LOG_LEVELS),
        "info",
        "`info`",
        "stderr log level: `critical`, `error`, `warning`, `info`, `debug`",
        "all",
        "LEVEL",
    ),
    Option(
        "--grace-period",
        _seconds,
        DEFAULT_GRACE_PERIOD,
        "`10`",
        "on SIGTERM/SIGINT, how long requests in flight may still finish; a second "
        "signal stops at once",
        "all",
        "SECONDS",
    ),
    Option(
        "--tool-timeout",
        _seconds,
        None,
        "the spec's `server.toolTimeout` (none: no limit)",
        "a call of a tool without its own `timeout:` answers the tool error `Tool "
        "'<name>' timed out after N s` after this long; `0` removes the limit",
        "all",
        "SECONDS",
    ),
    Option(
        "--internal-errors",
        _choice(*INTERNAL_ERRORS),
        None,
        "`show` on stdio, `hide` on network roads",
        "what a client sees of an unexpected exception in a handler: its message "
        "(`show`), or an id whose traceback is logged (`hide`)",
        "all",
        "{show,hide}",
    ),
    Option(
        "--host",
        _nonempty,
        DEFAULT_HOST,
        "`127.0.0.1`",
        "address to bind",
        "network",
        "HOST",
    ),
    Option(
        "--port",
        _integer(0, 65535, "not a port (1-65535, or 0: any free port)"),
        DEFAULT_PORT,
        "`8000`",
        "port to bind; `0` takes any free port (the startup line shows which)",
        "network",
        "PORT",
    ),
    Option(
        "--allowed-host",
        _names,
        [],
        "the loopback names and the bound address, with any port or none",
        "`Host` header values accepted (comma-separated, repeatable; any letter "
        "case); anything else gets 421",
        "network",
        "HOST",
        "list",
        ("MCP_ALLOWED_HOSTS",),
    ),
    Option(
        "--allowed-origin",
        _names,
        [],
        "`http://127.0.0.1:*`, `http://localhost:*`, `http://[::1]:*`",
        "`Origin` header values accepted (comma-separated, repeatable); anything else "
        "gets 403; requests without `Origin` pass",
        "network",
        "ORIGIN",
        "list",
        ("MCP_ALLOWED_ORIGINS",),
    ),
    Option(
        "--token-env",
        _variable_name,
        None,
        "the spec's `auth.tokenEnv`",
        "require `Authorization: Bearer <token>`, the token read from variable "
        "`NAME`; `''` serves without a token",
        "network",
        "NAME",
    ),
    Option(
        "--max-body-size",
        _integer(1, None, "not a size in bytes (1 or more)"),
        DEFAULT_MAX_BODY_SIZE,
        "4 MiB",
        "largest POST body (`/mcp`, `/messages/`); larger gets 413",
        "network",
        "BYTES",
    ),
    Option(
        "--stateless",
        _boolean,
        False,
        "off",
        "Streamable HTTP without sessions (variable: `1`, `true`, `yes`, `on` or `0`, "
        "`false`, `no`, `off`)",
        "http",
        kind="bool",
    ),
    Option(
        "--session-idle-timeout",
        _seconds,
        DEFAULT_SESSION_IDLE_TIMEOUT,
        "`300`",
        "end a stateful session idle this long (its id then gets 404); `0`: never",
        "http",
        "SECONDS",
    ),
    Option(
        "--max-sessions",
        _integer(0, None, "not a count (0 or more)"),
        DEFAULT_MAX_SESSIONS,
        "`10000`",
        "open stateful sessions at most; a new one past it gets 503; `0`: no limit",
        "http",
        "N",
    ),
    Option(
        "--json-response",
        _boolean,
        False,
        "off",
        "answer each POST with one JSON body instead of an event stream (variable: as "
        "`--stateless`)",
        "http",
        kind="bool",
    ),
    Option(
        "--ws-max-size",
        _integer(1, None, "not a size in bytes (1 or more)"),
        DEFAULT_WS_MAX_SIZE,
        "16 MiB",
        "largest WebSocket frame; larger closes the connection with 1009",
        "websocket",
        "BYTES",
    ),
    Option(
        "--ws-ping-interval",
        _seconds,
        DEFAULT_WS_PING_INTERVAL,
        "`20`",
        "WebSocket keep-alive ping period, also the pong timeout; `0` disables",
        "websocket",
        "SECONDS",
    ),
    Option(
        "--tls-cert",
        _nonempty,
        None,
        "none: plain HTTP",
        "serve HTTPS and WSS with this PEM certificate (chain); needs `--tls-key`",
        "network",
        "FILE",
    ),
    Option(
        "--tls-key",
        _nonempty,
        None,
        "none",
        "the PEM private key of `--tls-cert` (unencrypted)",
        "network",
        "FILE",
    ),
    Option(
        "--log-format",
        _choice("text", "json"),
        "text",
        "`text`",
        "stderr log lines as text, or one JSON object each (`json`) plus one line "
        "per request handled",
        "all",
        "{text,json}",
    ),
    Option(
        "--log-arguments",
        _boolean,
        False,
        "off: never logged",
        "with `--log-format json`, a `tools/call` or `prompts/get` line also holds "
        "its `arguments`, redacted (variable: as `--stateless`)",
        "all",
        kind="bool",
    ),
    Option(
        "--metrics",
        _boolean,
        False,
        "off",
        "record Prometheus metrics (needs `mcpmint-runtime[metrics]`) and serve them "
        "at `/metrics`, without token or Host check (variable: as `--stateless`)",
        "network",
        kind="bool",
    ),
    Option(
        "--metrics-port",
        _integer(1, 65535, "not a port (1-65535)"),
        None,
        "none",
        "record Prometheus metrics and serve them on `127.0.0.1:PORT` only, not at "
        "`/metrics` (the way to scrape a stdio server)",
        "all",
        "PORT",
    ),
    *(Option(*row) for row in OAUTH_OPTION_ROWS),  # oauth_options.py
    Option(
        "--bus-url",
        _nonempty,
        None,
        "none: change events reach the clients of this process only",
        "share change events (`ctx.changes`) with every replica on the same Redis: "
        "`redis://[:password@]host[:port][/db]` (needs `mcpmint-runtime[redis]`; "
        "see docs/deploy.md, Replicas)",
        "network",
        "URL",
    ),
    Option(
        "--session-route",
        route_name,
        None,
        "none: session ids as the SDK makes them",
        "stateful `http`: hand out session ids `NAME.<id>`, so a proxy can send every "
        "request of a session to this replica (docs/nginx/mcp-sessions.conf)",
        "http",
        "NAME",
    ),
)
BY_FLAG = {option.flag: option for option in OPTIONS}


def markdown_table() -> str:
    """docs/transports.md's option table."""
    rows = [
        "| option | environment | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for o in OPTIONS:
        flag = f"`{o.flag} {o.metavar}`" if o.metavar else f"`{o.flag}`"
        variables = ", ".join(f"`{name}`" for name in o.variables)
        rows.append(
            f"| {flag} | {variables} | {o.default_doc} | {o.help} ({ROADS[o.roads]}) |"
        )
    return "\n".join(rows) + "\n"
