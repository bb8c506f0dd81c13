"""`mcpmint import`: a spec from what a running MCP server serves."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import anyio
import yaml

from mcpmint.import_hints import served_cache
from mcpmint.import_prompts import served_prompts
from mcpmint.import_resources import EndlessPages, served_resources
from mcpmint.spec.diagnostics import Diagnostic, SpecError, format_diagnostics
from mcpmint.spec.naming import package_name
from mcpmint.spec.vocabulary import FORMAT_VERSION, TOOL_KEYS

URL_SCHEMES = ("http", "https", "ws", "wss")
_SERVER_KEYS = ("title", "description", "instructions", "websiteUrl")
_WIRE: dict[str, Any] = {"mode": "json", "by_alias": True, "exclude_none": True}


class ImportFailed(Exception):
    """Why nothing was imported, in one line."""


@dataclass(frozen=True)
class ImportReport:
    """What a server serves (wire names) and, once written, where the spec went."""

    info: dict[str, Any]
    instructions: str | None
    tools: list[dict[str, Any]]
    pages: int
    protocol_version: str
    source: str
    path: Path | None = None
    package: str | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    templates: list[dict[str, Any]] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    cache: dict[str, dict[str, Any]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: the spec written, what it holds and where it came from."""
        pages = f" in {self.pages} pages" if self.pages > 1 else ""
        more = "".join(f", {len(items)} {what}" for what, items in (
            ("resource(s)", self.resources), ("resource template(s)", self.templates),
            ("prompt(s)", self.prompts),
        ) if items)  # fmt: skip
        return (f"wrote {self.path}: {len(self.tools)} tool(s){pages}{more} from"
                f" {self.source} (package {self.package})")  # fmt: skip


def import_spec(
    server: str, out: Path, *, token: str | None = None, name: str | None = None,
    package: str | None = None, force: bool = False,
    transports: Sequence[str] = ("stdio",), token_env: str | None = None,
    timeout: float,
) -> ImportReport:  # fmt: skip
    """Write a spec regenerating `server`'s tools; ImportFailed or SpecError if not."""
    if out.exists() and not force:
        raise ImportFailed(f"{out} exists: pass --force to overwrite it")
    served = anyio.run(_fetch, server, token, timeout)
    data = spec_data(served, name, package, transports, token_env)
    text, found = _yaml(data, served.source, out)
    part = out.with_name(f".{out.name}.part")  # renamed into place: never half a spec
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        part.write_text(text, encoding="utf-8")
        os.replace(part, out)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise ImportFailed(f"cannot write {out}: {exc.strerror}") from None
    return replace(served, path=out, package=data["server"]["package"], warnings=found)


def spec_data(
    served: ImportReport, name: str | None, package: str | None,
    transports: Sequence[str], token_env: str | None,
) -> dict[str, Any]:  # fmt: skip
    """The spec as plain data, keys in the order they are written."""
    server_name = name or served.info.get("name") or ""
    pkg = package or package_name(server_name)  # mcpmint validate checks both
    server = _Block(name=server_name, version=served.info.get("version"), package=pkg)
    given = {**served.info, "instructions": served.instructions}
    server |= {k: given[k] for k in _SERVER_KEYS if given.get(k) is not None}
    chosen = list(dict.fromkeys(transports)) or ["stdio"]
    data = {"mcpmint": FORMAT_VERSION, "server": server, "transports": chosen}
    if token_env and chosen != ["stdio"]:
        data["auth"] = _Block(tokenEnv=token_env)
    if served.tools or not (served.resources or served.templates or served.prompts):
        data["tools"] = served.tools
    if served.resources:
        data["resources"] = served.resources
    if served.templates:
        data["resourceTemplates"] = served.templates
    if served.prompts:
        data["prompts"] = served.prompts
    if served.cache:
        data["cache"] = _Block(served.cache)
    return data


async def _fetch(server: str, token: str | None, timeout: float) -> ImportReport:
    """serverInfo and every page of tools/list; ImportFailed with one line if not."""
    from mcp.shared.exceptions import MCPError

    statuses: list[int] = []
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        try:
            with anyio.fail_after(timeout):
                streams = _connect(server, token, log, statuses, timeout)
                report = await _session(server, streams)
                again = lambda: _connect(server, token, log, [], timeout)  # noqa: E731
                return replace(report, cache=await served_cache(again))
        except Exception as caught:  # exception groups too: re-raised as one line
            exc: BaseException = caught
            while isinstance(exc, BaseExceptionGroup):  # task groups wrap errors
                exc = exc.exceptions[0]
            log.seek(0)
            said = [line.strip() for line in log if line.strip()][-1:]
    where, last = _display(server), f" (it said: {said[0][:200]})" if said else ""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    status = statuses[-1] if statuses else status
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    is_url = urlsplit(server).scheme.lower() in URL_SCHEMES
    if isinstance(exc, ImportFailed):
        raise ImportFailed(text) from None
    if isinstance(status, int):
        hint = ": a bearer token? (--token-env NAME)" if status in (401, 403) else ""
        text = f"{where} answered HTTP {status}{hint}"
    elif isinstance(exc, TimeoutError):
        text = f"no answer from {where} within {timeout:g} s{last}"
    elif isinstance(exc, FileNotFoundError | PermissionError) and not is_url:
        text = f"cannot run {shlex.split(server)[0]!r}: {exc.strerror}"
    elif isinstance(exc, MCPError) and exc.code == -32000:
        text = f"{where} closed the connection before answering{last}"
    elif isinstance(exc, MCPError) and exc.code == -32601:
        text = f"{where} is not an MCP server: it does not know 'initialize'"
    elif is_url and (isinstance(exc, OSError) or "Connect" in type(exc).__name__):
        text = f"cannot connect to {where}: {text}"
    else:
        text = f"cannot import from {where}: {type(exc).__name__}: {text}{last}"
    raise ImportFailed(text) from None


async def _session(server: str, streams: Any) -> ImportReport:
    from mcp import Client

    async with Client(streams, mode="legacy", cache=None) as client:  # keys as sent
        capabilities = client.server_capabilities
        tools: list[dict[str, Any]] = []
        cursor: str | None = None
        seen: set[str] = set()
        while capabilities.tools is not None:  # none: a server of prompts or resources
            for tool in (page := await client.list_tools(cursor=cursor)).tools:
                dump = tool.model_dump(**_WIRE)
                tools.append({k: dump[k] for k in TOOL_KEYS if k in dump} | dump)
            if (cursor := page.next_cursor) is None:
                break
            if cursor in seen:
                raise ImportFailed(f"tools/list never ends ({len(seen) + 1} pages)")
            seen.add(cursor)
        info = client.server_info.model_dump(**_WIRE) if client.server_info else {}
        try:
            resources, templates = await served_resources(client)
            prompts = await served_prompts(client)
        except EndlessPages as exc:
            raise ImportFailed(str(exc)) from None
        if not (tools or resources or templates or prompts):
            served = "no tools, prompts or resources"
            raise ImportFailed(f"{_display(server)} serves {served}")
        return ImportReport(info, client.instructions, tools, len(seen) + 1,
                            client.protocol_version, _display(server),
                            resources=resources, templates=templates,
                            prompts=prompts)  # fmt: skip


@asynccontextmanager
async def _connect(
    server: str, token: str | None, log: IO[str], statuses: list[int], timeout: float
) -> AsyncIterator[Any]:
    """Client streams: a command line (stdio), or an http(s) URL (…/sse: SSE)."""
    url = urlsplit(server)
    if url.scheme.lower() not in URL_SCHEMES:
        from mcp import StdioServerParameters
        from mcp.client.stdio import stdio_client

        if not (argv := shlex.split(server)):
            raise ImportFailed("the server command is empty")
        env = {**os.environ}  # a shell's, not the SDK's short list
        params = StdioServerParameters(command=argv[0], args=argv[1:], env=env)
        async with stdio_client(params, errlog=log) as streams:  # type: ignore[arg-type]
            yield streams
        return
    if url.scheme.lower() in ("ws", "wss"):
        raise ImportFailed("WebSocket URLs are not supported: use the /mcp or /sse URL")
    import httpx2
    from mcp.client.sse import sse_client
    from mcp.client.streamable_http import streamable_http_client

    async def record(response: httpx2.Response) -> None:  # statuses the SDK drops
        if response.status_code >= 400:
            statuses.append(response.status_code)

    def client(**options: Any) -> Any:
        return httpx2.AsyncClient(**options, event_hooks={"response": [record]})

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if url.path.rstrip("/").endswith("/sse"):
        async with sse_client(server, headers, timeout, timeout, client) as streams:  # type: ignore[arg-type]
            yield streams
        return
    async with client(headers=headers, timeout=httpx2.Timeout(timeout)) as http:
        async with streamable_http_client(server, http_client=http) as streams:
            yield streams


def _display(server: str) -> str:
    """The server as messages and the spec show it: no URL credentials or query."""
    url = urlsplit(server)
    if url.scheme.lower() not in URL_SCHEMES:
        return " ".join(server.split())
    return urlunsplit((url.scheme, url.netloc.rpartition("@")[2], url.path, "", ""))


class _Block(dict[str, Any]):
    """A mapping always written in block style."""


class _Dumper(yaml.SafeDumper):
    """Block style; short all-scalar mappings and lists inline, as people write them."""


def _represent(dumper: yaml.SafeDumper, data: Any) -> yaml.Node:
    if isinstance(data, str):  # multi-line text as a literal block
        style = "|" if "\n" in data.rstrip("\n") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style)
    items = data.values() if isinstance(data, dict) else data
    text = json.dumps(data, ensure_ascii=False)  # short, all scalars, no escapes
    flow = all(v is None or isinstance(v, bool | int | float | str) for v in items)
    flow &= len(text) <= 60 and "\\" not in text and not isinstance(data, _Block)
    if isinstance(data, list):
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow)
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow)


for _type in (str, list, dict, _Block):
    _Dumper.add_representer(_type, _represent)


def _yaml(data: dict[str, Any], source: str, out: Path) -> tuple[str, list[Diagnostic]]:
    """The spec as YAML, read back and validated by mcpmint; SpecError if invalid."""
    from mcpmint.pipeline import load_and_validate

    text = (f"# Imported by mcpmint from {source}.\n"
            f"# Regenerate the server: mcpmint generate {out.name} -o OUT\n"
            + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                        width=100))  # fmt: skip

    def located(found: Sequence[Diagnostic]) -> list[Diagnostic]:
        named = []
        for d in found:  # each names the served tool it is about
            i = d.path[6 : d.path.find("]")] if d.path[:6] == "tools[" else ""
            tool = f" (tool {data['tools'][int(i)]['name']!r})" if i else ""
            named.append(replace(d, file=str(out), message=d.message + tool))
        return named

    with tempfile.TemporaryDirectory() as folder:
        (path := Path(folder) / out.name).write_text(text, encoding="utf-8")
        try:
            loaded, warnings = load_and_validate(path)
        except SpecError as exc:
            raise SpecError(located(exc.diagnostics)) from None
    if json.dumps(loaded.data) != json.dumps(data):  # never seen: a PyYAML bug
        raise ImportFailed("the YAML written does not read back as served")
    return text, located(warnings)


def run_import(args: argparse.Namespace) -> int:
    """`mcpmint import`: 0 once the spec is written, else 1 and why on stderr."""
    logging.getLogger("mcp").addHandler(logging.NullHandler())  # no SDK tracebacks
    token = None
    if args.token_env and urlsplit(args.server).scheme.lower() in URL_SCHEMES:
        if not (token := os.environ.get(args.token_env)):
            print(f"mcpmint import: ${args.token_env} is unset", file=sys.stderr)
            return 1
    try:
        report = import_spec(
            args.server, args.out, token=token, name=args.name, package=args.package,
            force=args.force, transports=args.transport or ["stdio"],
            token_env=args.token_env, timeout=args.timeout,
        )  # fmt: skip
    except ImportFailed as exc:
        print(f"mcpmint import: {exc}; nothing written", file=sys.stderr)
        return 1
    except SpecError as exc:
        print(f"mcpmint import: what {_display(args.server)} serves is not a valid"
              " spec; nothing written\n" + format_diagnostics(exc.diagnostics),
              file=sys.stderr)  # fmt: skip
        return 1
    if report.warnings:
        print(format_diagnostics(report.warnings), file=sys.stderr)
    print(report.summary())
    return 0
