"""The command line of a generated server: `python -m <package> <transport>`.

A generated `__main__.py` names its transports and calls `run`. Network modules
are imported only by network subcommands, so `python -m <package> stdio` starts as
fast as the SDK allows (no uvicorn, no starlette).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import redact
from .errors import set_internal_errors
from .options import (
    NETWORK_TRANSPORTS,
    build_parser,
    network_transports,
    parse_args,
    settings_from_args,
)
from .settings import exit_on_error

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

    from .metrics import Metrics

    # build_server of the generated package: called with tool_timeout when the command
    # line overrides the spec's default.
    ServerFactory = Callable[..., Server[Any]]

__all__ = ["call", "main", "run"]


def run(
    build_server: ServerFactory,
    *,
    name: str,
    transports: Sequence[str],
    token_env: str | None = None,
    argv: Sequence[str] | None = None,
    oauth: Mapping[str, Any] | None = None,
) -> None:
    """Serve over the transport named on the command line, or `call TOOL '{json}'`,
    `prompt NAME '{json}'`, `read URI`.

    `call` runs one tool in process and prints what a client sees (`prompt` and
    `read`, in `peek.py`, do the same for a prompt and a resource); a usage mistake
    (arguments that are not a JSON object, an unknown tool) is one line on stderr and
    exit 2.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["call"]:
        sys.exit(_call_command(build_server, name, args[1:]))
    if args[:1] in (["prompt"], ["read"]):
        from . import peek

        command = peek.prompt_command if args[0] == "prompt" else peek.read_command
        sys.exit(command(build_server(), name, args[1:]))
    main(
        build_server,
        name=name,
        transports=transports,
        token_env=token_env,
        argv=args,
        oauth=oauth,
    )


_CALL_HELP = """

Call one tool in process (no transport) and print what a client sees: the
structured result as JSON, else the text of each content block.

positional arguments:
  TOOL        the tool's name, as in the spec
  JSON        its arguments, a JSON object (default: {})

exit status: 0 on success, 1 on a tool error, 2 on a usage mistake or an
unknown tool"""


def _call_command(build_server: ServerFactory, name: str, args: list[str]) -> int:
    prog = f"python -m {name} call"
    usage = f"usage: {prog} TOOL ['{{JSON arguments}}']"
    if args[:1] in (["-h"], ["--help"]):
        print(usage + _CALL_HELP)
        return 0
    if len(args) not in (1, 2) or args[0].startswith("-"):
        print(usage, file=sys.stderr)
        return 2
    from .peek import json_object

    arguments = json_object(args[1] if len(args) == 2 else "{}", prog)
    if arguments is None:
        return 2
    return call(exit_on_error(build_server, prog), args[0], arguments, prog=prog)


UNKNOWN_TOOL = 2  # `call`'s exit code when the server has no such tool


def call(
    server: Server[Any], tool: str, arguments: dict[str, Any], *, prog: str = "call"
) -> int:
    """Call one tool through the MCP client, in process; print what a client sees.

    Exit code: 0, 1 for a tool error, 2 for an unknown tool (one line on stderr)."""
    import anyio
    import mcp_types as types
    from mcp import Client
    from mcp.shared.exceptions import MCPError

    async def send() -> Any:
        async with Client(server) as client:
            names = [t.name for t in (await client.list_tools()).tools]
            if tool not in names:
                return names
            try:
                return await client.call_tool(tool, arguments)
            except MCPError as exc:  # a JSON-RPC error: one line, exit 1
                return exc

    result = anyio.run(send)
    if isinstance(result, list):
        known = ", ".join(result) or "none"
        print(f"{prog}: unknown tool {tool!r} (tools: {known})", file=sys.stderr)
        return UNKNOWN_TOOL
    if isinstance(result, MCPError):
        line = f"{prog}: {result.message}"
        if result.code == types.MISSING_REQUIRED_CLIENT_CAPABILITY:
            line += " (`call` answers no input requests: use a client with callbacks)"
        print(line.replace("\n", " "), file=sys.stderr)
        return 1
    if result.structured_content is not None:
        print(json.dumps(result.structured_content, indent=2, ensure_ascii=False))
    else:
        for block in result.content:
            print(getattr(block, "text", block.model_dump_json(by_alias=True)))
    return 1 if result.is_error else 0


def main(
    server: Server[Any] | ServerFactory,
    *,
    name: str,
    transports: Sequence[str],
    token_env: str | None = None,
    argv: Sequence[str] | None = None,
    oauth: Mapping[str, Any] | None = None,
) -> None:
    """Parse the command line and serve `server` until end of input or a signal.

    `server` is a built server, or a function building one: only then is
    `--tool-timeout` offered, and passed to it as `tool_timeout`.
    """
    from mcp.server import lowlevel

    built = isinstance(server, lowlevel.Server)
    words = sys.argv[1:] if argv is None else list(argv)
    first = words[0] if words else None  # the subcommand: only its options are built
    parser = build_parser(
        name,
        transports,
        token_env,
        tool_timeout=not built,
        call=not built,
        oauth=oauth,
        only=first if first in ("stdio", *NETWORK_TRANSPORTS, "serve") else None,
    )
    args = parse_args(parser, argv)
    if args.log_arguments and args.log_format != "json":
        parser.error(
            "--log-arguments adds to the JSON request lines: add --log-format json"
        )
    recorded = _metrics(args, name)  # a missing extra: one line, exit 2
    _configure_logging(args.log_level, args.log_format)
    _tracing(name)  # OTEL_* variables: the SDK's spans exported
    set_internal_errors(args.internal_errors)
    if not isinstance(server, lowlevel.Server):
        timeout = args.tool_timeout
        build = server
        options = {} if timeout is None else {"tool_timeout": timeout or None}
        # A bad setting the build reads (MCP_REQUEST_STATE_KEY): one line, exit 2.
        server = exit_on_error(lambda: build(**options), name)
    from .tracing import spans_when_traced

    spans_when_traced(server)  # the SDK's no-op span skipped while nothing traces
    if getattr(args, "bus_url", None):
        _redis_bus(server, args.bus_url, name)  # a bad URL, no Redis: exit 2
    if args.log_format == "json":
        from .jsonlog import log_requests

        log_requests(server, args.log_arguments)  # one line per request handled
    if recorded is not None:
        recorded.start(server, args.metrics_port, stdio=args.command == "stdio")
    try:
        if args.command == "stdio":
            _run_stdio(server, args.grace_period)
        else:
            settings = settings_from_args(args, parser)  # errors before slow imports
            from .transports.network import serve_network

            chosen = network_transports(args.command, transports)
            serve_network(server, transports=chosen, settings=settings)
    except KeyboardInterrupt:  # a signal before the handlers were installed
        pass


def _metrics(args: Any, name: str) -> Metrics | None:
    if not getattr(args, "metrics", False) and args.metrics_port is None:
        return None
    from . import metrics

    try:
        return metrics.enable()
    except metrics.MetricsMissing as exc:
        print(f"python -m {name}: error: {exc}", file=sys.stderr)
        sys.exit(2)


def _redis_bus(server: Server[Any], url: str, name: str) -> None:
    from .redis_bus import BusError, attach_redis_bus

    try:
        attach_redis_bus(server, url)
    except BusError as exc:
        print(
            f"python -m {name}: error: --bus-url (MCP_BUS_URL): {exc}", file=sys.stderr
        )
        sys.exit(2)


def _tracing(name: str) -> None:
    from .tracing import TracingError, configure_tracing

    try:
        configure_tracing(name)
    except TracingError as exc:
        print(f"python -m {name}: error: {exc}", file=sys.stderr)
        sys.exit(2)


def _configure_logging(level: str, log_format: str = "text") -> None:
    # stderr only: on stdio, stdout is the wire.
    logging.basicConfig(
        level=level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if log_format == "json":
        from .jsonlog import use_json_lines

        use_json_lines()
    redact.install()  # no token or credential header in any line, at any level


def _run_stdio(server: Server[Any], grace_period: float) -> None:
    import anyio

    from .transports.drain import stop_on_signals
    from .transports.stdio import run_stdio

    async def serve() -> None:
        stop = anyio.Event()
        async with anyio.create_task_group() as tg:
            tg.start_soon(stop_on_signals, stop, tg.cancel_scope.cancel)
            await run_stdio(server, stop=stop, grace_period=grace_period)
            tg.cancel_scope.cancel()

    anyio.run(serve)
