"""`mcpmint import`: a spec from what a running MCP server serves (tools/list, serverInfo)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import re
import shlex
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import anyio
import yaml

from .diagnostics import Diagnostic, SpecError, format_diagnostics
from .naming import is_package_name, package_name
from .spec import FORMAT_VERSION, TRANSPORTS

DEFAULT_TIMEOUT = 30.0
MAX_PAGES = 10_000
# The order of a Tool's keys in the written spec: the README's, which is the MCP schema's.
TOOL_KEYS = (
    *("name", "title", "description", "inputSchema", "outputSchema"),
    *("annotations", "icons", "execution", "_meta"),
)
_TOOL_INDEX = re.compile(r"^tools\[(\d+)\]")


class ImportFailed(Exception):
    """Why nothing was imported, in one line."""


@dataclass(frozen=True)
class Served:
    """What a server says about itself: serverInfo, instructions and every tool."""

    info: dict[str, Any]
    instructions: str | None
    tools: list[dict[str, Any]]
    pages: int
    protocol_version: str


@dataclass(frozen=True)
class ImportReport:
    """What `import_spec` wrote."""

    path: Path
    source: str
    served: Served
    package: str
    warnings: list[Diagnostic]

    def summary(self) -> str:
        """One line: where the spec went, what it holds, where it came from."""
        info, tools, pages = self.served.info, self.served.tools, self.served.pages
        paged = f" in {pages} pages" if pages > 1 else ""
        return (
            f"wrote {self.path}: {info.get('name')} {info.get('version')}, "
            f"{len(tools)} tool(s){paged} from {self.source} (package {self.package})"
        )


def import_spec(
    server: str,
    out: Path,
    *,
    token: str | None = None,
    name: str | None = None,
    package: str | None = None,
    force: bool = False,
    transports: Sequence[str] = ("stdio",),
    token_env: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ImportReport:
    """Write a spec that regenerates `server`'s tools; ImportFailed or SpecError if not."""
    if out.exists() and not force:
        raise ImportFailed(f"{out} exists: pass --force to overwrite it")
    served = anyio.run(_fetch, server, token, timeout)
    data = spec_data(served, name, package, transports, token_env)
    header = f"# Imported by mcpmint from {_display(server)}.\n"
    header += f"# Regenerate the server: mcpmint generate {out.name} -o OUT\n"
    text, warnings = _checked_text(data, header, out)
    if out.exists() and not force:
        raise ImportFailed(f"{out} exists: pass --force to overwrite it")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, out)
    pkg = str(data["server"]["package"])
    return ImportReport(out, _display(server), served, pkg, warnings)


def spec_data(
    served: Served,
    name: str | None,
    package: str | None,
    transports: Sequence[str],
    token_env: str | None,
) -> dict[str, Any]:
    """The spec as plain data, in the order it is written."""
    info = served.info
    server_name = name or str(info.get("name") or "")
    if not server_name:
        raise ImportFailed("the server gives no name in serverInfo: pass --name NAME")
    pkg = package or package_name(server_name)
    if not is_package_name(pkg):
        hint = "pass --package NAME" if package is None else "use letters, digits and _"
        raise ImportFailed(f"{pkg!r} is not a valid Python package name: {hint}")
    server: dict[str, Any] = {"name": server_name, "version": info.get("version")}
    server["package"] = pkg
    for key in ("title", "description"):
        if info.get(key) is not None:
            server[key] = info[key]
    if served.instructions is not None:
        server["instructions"] = served.instructions
    if info.get("websiteUrl") is not None:
        server["websiteUrl"] = info["websiteUrl"]
    chosen = list(dict.fromkeys(transports)) or ["stdio"]
    data: dict[str, Any] = {"mcpmint": FORMAT_VERSION, "server": _Block(server)}
    data["transports"] = chosen
    if token_env and any(t != "stdio" for t in chosen):
        data["auth"] = _Block(tokenEnv=token_env)
    data["tools"] = served.tools
    return data


async def _fetch(server: str, token: str | None, timeout: float) -> Served:
    """serverInfo and every page of tools/list; ImportFailed with one line if not."""
    # The initialize handshake first: on 2026-07-28 the SDK re-serialises the schemas.
    for mode in ("legacy", "auto"):
        statuses: list[str] = []
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errlog:
            try:
                with anyio.fail_after(timeout):
                    transport = _transport(server, token, errlog, statuses, timeout)
                    return await _session(server, transport, mode)
            except BaseException as exc:  # noqa: B036 - groups; re-raised as one line
                leaf = _leaf(exc)
                if mode == "legacy" and not statuses and _no_handshake(leaf):
                    continue
                errlog.seek(0)
                lines = [x.strip() for x in errlog.read().splitlines() if x.strip()]
                reason = _reason(leaf, server, statuses, lines[-1:], timeout)
                if reason is None:
                    raise
                raise ImportFailed(reason) from None
    raise AssertionError("unreachable")


def _no_handshake(exc: BaseException) -> bool:
    """Whether a server refused the initialize handshake itself (2026-07-28 only?)."""
    from mcp.shared.exceptions import MCPError

    return isinstance(exc, MCPError) and exc.error.code in (-32600, -32602)


async def _session(server: str, transport: Any, mode: Any) -> Served:
    from mcp import Client

    async with Client(transport, mode=mode, cache=None) as client:
        if client.server_capabilities.tools is None:
            raise ImportFailed(f"{_display(server)} serves no tools")
        tools, pages = await _all_tools(client)
        info = client.server_info
        dump = (
            info.model_dump(mode="json", by_alias=True, exclude_none=True)
            if info
            else {}
        )
        return Served(dump, client.instructions, tools, pages, client.protocol_version)


async def _all_tools(client: Any) -> tuple[list[dict[str, Any]], int]:
    tools: list[dict[str, Any]] = []
    cursor: str | None = None
    seen: set[str] = set()
    for pages in range(1, MAX_PAGES + 1):
        page = await client.list_tools(cursor=cursor)
        tools += [
            _tool(t.model_dump(mode="json", by_alias=True, exclude_none=True))
            for t in page.tools
        ]
        cursor = page.next_cursor
        if cursor is None:
            if not tools:
                raise ImportFailed(
                    "the server lists no tools: a spec needs at least one"
                )
            return tools, pages
        if cursor in seen:
            raise ImportFailed(
                f"tools/list repeats the cursor {cursor!r}: the pages never end"
            )
        seen.add(cursor)
    raise ImportFailed(f"tools/list has more than {MAX_PAGES} pages")


def _tool(dump: dict[str, Any]) -> dict[str, Any]:
    known = {key: dump[key] for key in TOOL_KEYS if key in dump}
    return known | {key: value for key, value in dump.items() if key not in known}


def _transport(
    server: str, token: str | None, errlog: IO[str], statuses: list[str], timeout: float
) -> AbstractAsyncContextManager[Any]:
    """The client transport for a command line, an http(s) URL (…/sse: SSE) or ws(s)."""
    scheme = urlsplit(server).scheme.lower()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if scheme in ("ws", "wss"):
        return _websocket(server, headers)
    if scheme not in ("http", "https"):
        from mcp import StdioServerParameters
        from mcp.client.stdio import stdio_client

        argv = shlex.split(server)
        if not argv:
            raise ImportFailed("the server command is empty")
        params = StdioServerParameters(
            command=argv[0], args=argv[1:], env=dict(os.environ)
        )
        return stdio_client(params, errlog=errlog)  # type: ignore[arg-type]
    import httpx2

    async def record(response: httpx2.Response) -> None:
        if response.status_code >= 400:
            statuses.append(f"HTTP {response.status_code} {response.reason_phrase}")

    def client(
        headers: dict[str, str] | None = None, timeout: Any = None, auth: Any = None
    ) -> httpx2.AsyncClient:
        hooks: Any = {"response": [record]}
        return httpx2.AsyncClient(
            headers=headers, timeout=timeout, auth=auth, event_hooks=hooks
        )

    if urlsplit(server).path.rstrip("/").endswith("/sse"):
        from mcp.client.sse import sse_client

        return sse_client(server, headers, timeout, timeout, client)
    return _streamable_http(server, client(headers, httpx2.Timeout(timeout)))


@asynccontextmanager
async def _streamable_http(url: str, http: Any) -> AsyncIterator[Any]:
    from mcp.client.streamable_http import streamable_http_client

    async with http, streamable_http_client(url, http_client=http) as streams:
        yield streams


@asynccontextmanager
async def _websocket(url: str, headers: dict[str, str]) -> AsyncIterator[Any]:
    """A WebSocket client transport (subprotocol mcp): one JSON-RPC message per text frame."""
    import mcp_types
    from mcp.shared.message import SessionMessage
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    into, read = anyio.create_memory_object_stream[SessionMessage | Exception](64)
    write, out = anyio.create_memory_object_stream[SessionMessage](64)
    subprotocols = [Subprotocol("mcp")]
    async with connect(
        url, subprotocols=subprotocols, additional_headers=headers
    ) as ws:

        async def receive() -> None:
            async with into:
                async for frame in ws:
                    message = mcp_types.jsonrpc_message_adapter.validate_json(
                        frame, by_name=False
                    )
                    await into.send(SessionMessage(message))

        async def send() -> None:
            async with out:
                async for item in out:
                    await ws.send(
                        item.message.model_dump_json(by_alias=True, exclude_unset=True)
                    )

        async with anyio.create_task_group() as tasks, read, write:
            tasks.start_soon(receive)
            tasks.start_soon(send)
            yield read, write
            tasks.cancel_scope.cancel()


def _leaf(exc: BaseException) -> BaseException:
    """The first real error inside (nested) exception groups."""
    while isinstance(exc, BaseExceptionGroup):
        exc = next((e for e in exc.exceptions if not _cancelled(e)), exc.exceptions[0])
    return exc


def _cancelled(exc: BaseException) -> bool:
    return isinstance(exc, anyio.get_cancelled_exc_class())


def _reason(
    exc: BaseException,
    server: str,
    statuses: list[str],
    stderr: list[str],
    timeout: float,
) -> str | None:
    """One line saying why the import failed; None for what must stay an exception."""
    from mcp.shared.exceptions import MCPError

    where = _display(server)
    said = f" (its last words: {stderr[0][:200]})" if stderr else ""
    if isinstance(exc, ImportFailed):
        return str(exc)
    if statuses:
        hint = ": pass --token-env NAME" if statuses[-1][5:8] in ("401", "403") else ""
        return f"{where} answered {statuses[-1]}{hint}"
    if isinstance(exc, TimeoutError):
        return f"no answer from {where} within {timeout:g} s{said}"
    if isinstance(exc, FileNotFoundError | PermissionError):
        return f"cannot run {shlex.split(server)[0]!r}: {exc.strerror}"
    if isinstance(exc, MCPError):
        if exc.error.code == -32000:
            return f"{where} closed the connection before answering{said}"
        if exc.error.code == -32601:
            return f"{where} is not an MCP server (it does not know 'initialize')"
        return (
            f"{where} answered with error {exc.error.code}: {exc.error.message}{said}"
        )
    if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
        return None
    text = str(exc).strip().splitlines()
    detail = f": {text[0][:200]}" if text else ""
    return f"cannot import from {where}: {type(exc).__name__}{detail}{said}"


def _display(server: str) -> str:
    """The server as the spec and messages show it: no URL credentials, query or fragment."""
    parts = urlsplit(server)
    if parts.scheme.lower() not in ("http", "https", "ws", "wss"):
        return " ".join(server.split())
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class _Block(dict[str, Any]):
    """A mapping always written in block style."""


class _Dumper(yaml.SafeDumper):
    """Block style; short all-scalar mappings and lists inline, as specs are hand-written."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _inline(data: dict[str, Any] | list[Any]) -> bool:
    values = data.values() if isinstance(data, dict) else data
    scalars = all(v is None or isinstance(v, bool | int | float | str) for v in values)
    text = json.dumps(data, ensure_ascii=False)
    return scalars and len(text) <= 60 and "\\" not in text


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = not isinstance(data, _Block) and _inline(data)
    return dumper.represent_mapping(
        "tag:yaml.org,2002:map", data.items(), flow_style=flow
    )


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=_inline(data)
    )


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data.rstrip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(_Block, _represent_dict)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def render(data: dict[str, Any], header: str, *, pretty: bool = True) -> str:
    """The spec as YAML: deterministic, keys in the order given."""
    if not pretty:
        plain = json.loads(json.dumps(data))
        return header + yaml.safe_dump(
            plain, sort_keys=False, allow_unicode=True, width=100
        )
    return header + yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def _checked_text(
    data: dict[str, Any], header: str, out: Path
) -> tuple[str, list[Diagnostic]]:
    """YAML that reads back as `data` and passes `mcpmint validate`; SpecError if not."""
    from . import load_and_validate

    expected = json.dumps(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / out.name
        for pretty in (True, False):
            text = render(data, header, pretty=pretty)
            path.write_text(text, encoding="utf-8")
            try:
                loaded, warnings = load_and_validate(path)
            except SpecError as exc:
                raise SpecError(_located(exc.diagnostics, data, out)) from None
            if json.dumps(loaded.data) == expected:
                return text, _located(warnings, data, out)
    raise ImportFailed("the YAML written does not read back as served (a PyYAML bug?)")


def _located(
    found: Sequence[Diagnostic], data: dict[str, Any], out: Path
) -> list[Diagnostic]:
    """Diagnostics about `out`, naming the served tool each one is about."""
    located = []
    for d in found:
        match = _TOOL_INDEX.match(d.path)
        message = d.message
        if match and int(match[1]) < len(data["tools"]):
            message += f" (tool {data['tools'][int(match[1])].get('name')!r})"
        located.append(dataclasses.replace(d, file=str(out), message=message))
    return located


def add_import_parser(sub: Any) -> None:
    """The `import` subcommand's arguments."""
    cmd = sub.add_parser(
        "import", help="write a spec from a running MCP server's tools"
    )
    cmd.add_argument("server", help="a command line (stdio), or an http(s)/ws(s) URL")
    cmd.add_argument("-o", "--out", type=Path, required=True, help="the spec to write")
    add = cmd.add_argument
    add(
        "--transport",
        action="append",
        choices=TRANSPORTS,
        help="repeatable (default: stdio)",
    )
    add(
        "--token-env",
        metavar="NAME",
        help="environment variable holding a bearer token",
    )
    add("--name", help="serverInfo.name of the spec (default: the server's)")
    add(
        "--package",
        help="Python package of the generated code (default: from the name)",
    )
    add("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS")
    add("--force", action="store_true", help="overwrite SPEC if it exists")


def run_import(args: argparse.Namespace) -> int:
    """Run `mcpmint import`: 0 when the spec was written, 1 with one line on stderr if not."""
    for logger in (
        "mcp",
        "httpx2",
        "websockets",
    ):  # their tracebacks are not the user's
        logging.getLogger(logger).addHandler(logging.NullHandler())
    token = None
    if args.token_env and urlsplit(args.server).scheme.lower() in (
        "http",
        "https",
        "ws",
        "wss",
    ):
        token = os.environ.get(args.token_env)
        if not token:
            print(
                f"mcpmint import: ${args.token_env} is unset or empty", file=sys.stderr
            )
            return 1
    try:
        report = import_spec(
            args.server,
            args.out,
            token=token,
            name=args.name,
            package=args.package,
            force=args.force,
            transports=args.transport or ["stdio"],
            token_env=args.token_env,
            timeout=args.timeout,
        )
    except ImportFailed as exc:
        print(f"mcpmint import: {exc}; nothing written", file=sys.stderr)
        return 1
    except SpecError as exc:
        print(
            f"mcpmint import: what {_display(args.server)} serves is not a valid spec; "
            "nothing written",
            file=sys.stderr,
        )
        print(format_diagnostics(exc.diagnostics), file=sys.stderr)
        return 1
    if report.warnings:
        print(format_diagnostics(report.warnings), file=sys.stderr)
    print(report.summary())
    return 0
