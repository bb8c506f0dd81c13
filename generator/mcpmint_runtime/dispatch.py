"""tools/list and tools/call on the SDK's low-level server: dispatch and validation.

The generated server.py holds the per-spec part (the tool table, the handlers) and
passes it here as a `ServerInfo`.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel, ValidationError

from .context import Content, ToolContext, ToolResult
from .errors import InternalErrors, ToolFailure, error_id, internal_errors_mode
from .input_requests import or_input_required
from .input_state import attach_request_state
from .logging_level import register_logging
from .schema_order import keep_schema_order

logger = logging.getLogger(__name__)


class Validator(Protocol):
    """The part of a jsonschema validator the runtime uses."""

    def iter_errors(self, instance: Any) -> Iterable[Any]: ...


Handler = Callable[[Any, ToolContext], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class ToolEntry:
    """One tool: what tools/list serves, how calls are checked, who answers."""

    tool: types.Tool
    input_model: type[BaseModel]
    output_model: type[BaseModel] | None
    handler: Handler
    # Set only for tools whose models are looser than their JSON Schemas somewhere.
    input_validator: Validator | None = None
    output_validator: Validator | None = None
    # Seconds a call may run (the spec's `timeout:`); None: the server's default.
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class ServerInfo:
    name: str
    version: str
    title: str | None = None
    description: str | None = None
    instructions: str | None = None
    website_url: str | None = None
    tools: tuple[ToolEntry, ...] = field(default_factory=tuple)
    # Seconds a call of a tool without its own timeout may run; None: no limit.
    tool_timeout: float | None = None


def schema_validator(schema: Mapping[str, Any]) -> Validator:
    """A JSON Schema 2020-12 validator, for tools the models cannot check alone."""
    # Imported by name: only tools that need it pay for the import, and mypy needs no
    # jsonschema stubs.
    jsonschema = importlib.import_module("jsonschema")
    validator: Validator = jsonschema.Draft202012Validator(schema)
    return validator


def build_server(
    info: ServerInfo, *, internal_errors: InternalErrors | None = None
) -> Server[Any]:
    """The SDK low-level server answering tools/list and tools/call for `info.tools`.

    `internal_errors`: what a client sees of an unexpected exception in a handler,
    `show` (its message) or `hide` (an id, the traceback logged with it); None: the
    command line's choice (`--internal-errors`), else `show`.
    """
    listing = types.ListToolsResult(tools=[entry.tool for entry in info.tools])
    default = info.tool_timeout
    by_name = {
        entry.tool.name: entry if entry.timeout else replace(entry, timeout=default)
        for entry in info.tools
    }
    input_schemas = {name: entry.tool.input_schema for name, entry in by_name.items()}

    async def on_list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return listing

    async def on_call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult | types.InputRequiredResult:
        entry = by_name.get(params.name)
        if entry is None:
            raise MCPError(types.INVALID_PARAMS, f"Unknown tool: {params.name}")
        call = call_tool(entry, params.arguments or {}, ctx, internal_errors)
        return await or_input_required(call)

    server: Server[Any] = Server(
        info.name,
        version=info.version,
        title=info.title,
        description=info.description,
        instructions=info.instructions,
        website_url=info.website_url,
        get_tool_input_schema=input_schemas.get,
        on_list_tools=on_list_tools if info.tools else None,  # none: no capability
        on_call_tool=on_call_tool if info.tools else None,
    )
    register_logging(server)  # handlers log through ctx.log, in both eras
    keep_schema_order(server, listing.tools)  # as written, in every era
    attach_request_state(server, info.name)  # input requests' sealed requestState
    return server


async def call_tool(
    entry: ToolEntry,
    arguments: dict[str, Any],
    ctx: ServerRequestContext[Any],
    internal_errors: InternalErrors | None = None,
) -> types.CallToolResult:
    """Validate, run the handler, check its output; every failure is a tool error."""
    name = entry.tool.name
    problems = _schema_problems(entry.input_validator, arguments)
    if problems:
        return error_result(f"Invalid arguments for tool '{name}':", problems)
    try:
        args = entry.input_model.model_validate(arguments)
    except ValidationError as exc:
        return error_result(
            f"Invalid arguments for tool '{name}':", pydantic_problems(exc, arguments)
        )
    timeout = entry.timeout
    try:
        if timeout is None:  # no cancel scope: the common case stays cheap
            output = await entry.handler(args, ToolContext(ctx, name))
        else:
            with anyio.move_on_after(timeout) as scope:
                output = await entry.handler(
                    args, ToolContext(ctx, name, scope.deadline)
                )
            if scope.cancel_called:  # even if the handler swallowed the cancellation
                logger.warning("tool %r timed out after %g s", name, timeout)
                return error_result(f"Tool '{name}' timed out after {timeout:g} s")
    except anyio.get_cancelled_exc_class():
        raise
    except NotImplementedError:
        return error_result(f"Not implemented: {name}")
    except ToolFailure as exc:
        logger.info("tool %r failed: %s", name, exc)
        return error_result(str(exc))
    except MCPError:
        raise
    except Exception as exc:
        return _unexpected(name, exc, internal_errors_mode(internal_errors))
    return to_call_result(entry, output)


def _unexpected(
    name: str, exc: Exception, mode: InternalErrors
) -> types.CallToolResult:
    """The tool error for a handler's bug: its message, or only an id to find it by."""
    if mode == "show":
        logger.exception("tool %r raised", name)
        return error_result(f"Tool '{name}' failed: {exc}")
    ident = error_id()
    logger.exception("tool %r raised (id %s)", name, ident)
    return error_result(f"Tool '{name}' failed: internal error (id {ident})")


def to_call_result(entry: ToolEntry, output: Any) -> types.CallToolResult:
    """A handler's return value as a CallToolResult, its structured part checked."""
    content: list[Content] | None = None
    is_error = False
    if isinstance(output, ToolResult):
        content, is_error, output = (
            list(output.content),
            output.is_error,
            output.structured,
        )
    if entry.output_model is None or (is_error and output is None):
        return types.CallToolResult(
            content=content or _text_content(output), is_error=is_error
        )
    name = entry.tool.name
    data = output
    if isinstance(output, BaseModel):
        data = output.model_dump(
            mode="json", by_alias=True, exclude_unset=True, warnings=False
        )
    problems = _schema_problems(entry.output_validator, data)
    if not problems:
        try:
            entry.output_model.model_validate(data)
        except ValidationError as exc:
            problems = pydantic_problems(exc, data)
    if problems:
        logger.error(
            "tool %r returned an invalid result: %s", name, "; ".join(problems)
        )
        return error_result(f"Invalid result from tool '{name}':", problems)
    return types.CallToolResult(
        content=content or _text_content(data),
        structured_content=data,
        is_error=is_error,
    )


def _text_content(output: Any) -> list[Content]:
    if output is None:
        return []
    if isinstance(output, str):
        return [types.TextContent(type="text", text=output)]
    if isinstance(output, BaseModel):
        output = output.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return [types.TextContent(type="text", text=json.dumps(output, ensure_ascii=False))]


def error_result(title: str, problems: Iterable[str] = ()) -> types.CallToolResult:
    """A tool error: the title, then one `- path: message` line per problem."""
    text = "\n".join([title, *(f"- {p}" for p in problems)])
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], is_error=True
    )


def pydantic_problems(exc: ValidationError, instance: Any = None) -> list[str]:
    """`path: message` for each problem of a pydantic validation of `instance`.

    Paths are JSON paths into `instance`: the branch names pydantic adds inside a
    union (`int`, `float`, a class name) are dropped, and a JSON number's two
    branches (`valid integer`, `valid number`) are one problem.
    """
    problems: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        path = format_loc(_json_loc(error["loc"], instance, error["type"]))
        messages = problems.setdefault(path, [])
        if error["msg"] not in messages:
            messages.append(error["msg"])
    lines: list[str] = []
    for path, messages in problems.items():
        if _NUMBER in messages and _INTEGER in messages:
            messages.remove(_INTEGER)  # an integer is a number: one problem
        lines.extend(f"{path}: {message}" for message in messages)
    return lines


_NUMBER = "Input should be a valid number"
_INTEGER = "Input should be a valid integer"


def _json_loc(
    loc: Sequence[str | int], instance: Any, kind: str
) -> tuple[str | int, ...]:
    """`loc` without the segments that are not keys or indexes of `instance`."""
    path: list[str | int] = []
    value = instance
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(value, dict) and isinstance(part, str):
            if part in value:
                value = value[part]
            elif not (last and kind == "missing"):
                continue  # a union branch's name
        elif isinstance(value, list) and isinstance(part, int):
            value = value[part] if 0 <= part < len(value) else None
        else:
            continue  # a union branch's name on a scalar
        path.append(part)
    return tuple(path)


def _schema_problems(validator: Validator | None, instance: Any) -> list[str]:
    if validator is None:
        return []
    errors = sorted(
        validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]
    )
    return [f"{format_loc(tuple(e.absolute_path))}: {e.message}" for e in errors]


def format_loc(loc: Sequence[str | int]) -> str:
    """`("days", 0, "high")` → `days[0].high`; the arguments object is `(root)`."""
    out = ""
    for part in loc:
        out += (
            f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        )
    return out or "(root)"
