"""prompts/list and prompts/get on the SDK's low-level server.

Arguments arrive as strings; each is turned into its declared JSON type (integer,
number, boolean) and checked by the generated arguments model, so a handler gets
typed values and a bad one is a JSON-RPC invalid-params error naming the argument.
Messages written in the spec are templates parsed at generation time: here an
argument's value is only joined in as data, never read as a template again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel, TypeAdapter, ValidationError

from .completion import Completions, attach_completions, prompt_completions
from .context import ToolContext
from .dispatch import format_loc
from .errors import InternalErrors, ToolFailure, error_id, internal_errors_mode
from .input_requests import or_input_required

logger = logging.getLogger(__name__)

PromptOutput = str | Sequence[types.PromptMessage] | types.GetPromptResult
PromptHandler = Callable[[Any, ToolContext], Awaitable[PromptOutput]]
_MESSAGES: TypeAdapter[list[types.PromptMessage]] = TypeAdapter(
    list[types.PromptMessage]
)
_INTEGER = re.compile(r"^[+-]?[0-9]+$")


@dataclass(frozen=True, slots=True)
class PromptEntry:
    """One prompt: what prompts/list serves, how arguments are read, who answers."""

    prompt: types.Prompt
    arguments_model: type[BaseModel]
    kinds: Mapping[str, str] = field(default_factory=dict)  # argument -> JSON type
    # The spec's messages, text and uri as parts (strings and {"arg": name}); None
    # when a handler builds them.
    messages: Sequence[Mapping[str, Any]] | None = None
    handler: PromptHandler | None = None


def entries_from_data(
    data: Sequence[Mapping[str, Any]], models: object, handlers: object
) -> tuple[PromptEntry, ...]:
    """The entries of prompts.json's `prompts`: each names its arguments model (an
    attribute of `models`) and its handler (an attribute of `handlers`)."""
    return tuple(
        PromptEntry(
            types.Prompt.model_validate(item["prompt"]),
            getattr(models, item["model"]),
            item.get("kinds", {}),
            item.get("messages"),
            getattr(handlers, item["handler"]) if "handler" in item else None,
        )
        for item in data
    )


def attach_prompts(
    server: Server[Any],
    entries: Sequence[PromptEntry],
    internal_errors: InternalErrors | None = None,
) -> None:
    """Register prompts/list and prompts/get (and so the `prompts` capability)."""
    listing = types.ListPromptsResult(prompts=[e.prompt for e in entries])
    by_name = {e.prompt.name: e for e in entries}

    async def on_list_prompts(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        return listing

    async def on_get_prompt(
        ctx: ServerRequestContext[Any], params: types.GetPromptRequestParams
    ) -> types.GetPromptResult | types.InputRequiredResult:
        entry = by_name.get(params.name)
        if entry is None:
            raise MCPError(types.INVALID_PARAMS, f"Unknown prompt: {params.name}")
        call = get_prompt(entry, params.arguments or {}, ctx, internal_errors)
        return await or_input_required(call)

    server.add_request_handler(
        "prompts/list", types.PaginatedRequestParams, on_list_prompts
    )
    server.add_request_handler(
        "prompts/get", types.GetPromptRequestParams, on_get_prompt
    )


def typed_arguments(entry: PromptEntry, arguments: Mapping[str, str]) -> BaseModel:
    """The arguments as the prompt's model; MCPError (invalid params) naming each
    bad one."""
    name = entry.prompt.name
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, text in arguments.items():
        try:
            values[key] = from_wire(entry.kinds.get(key, "string"), text)
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    if not problems:
        try:
            return entry.arguments_model.model_validate(values)
        except ValidationError as exc:
            problems = [
                f"{format_loc(e['loc'])}: {e['msg']}"
                for e in exc.errors(include_url=False)
            ]
    raise MCPError(
        types.INVALID_PARAMS,
        "\n".join(
            [f"Invalid arguments for prompt '{name}':"] + [f"- {p}" for p in problems]
        ),
    )


def from_wire(kind: str, text: Any) -> Any:
    """A wire string as a value of the argument's JSON type."""
    if not isinstance(text, str) or kind == "string":
        return text
    if kind == "integer":
        if not _INTEGER.match(text.strip()):
            raise ValueError(f"{text!r} is not an integer")
        return int(text)
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"{text!r} is not a finite number")
        return int(number) if _INTEGER.match(text.strip()) else number
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text == "true"
    return text


async def get_prompt(
    entry: PromptEntry,
    arguments: Mapping[str, str],
    ctx: ServerRequestContext[Any],
    internal_errors: InternalErrors | None = None,
) -> types.GetPromptResult:
    """Check the arguments, then render the spec's messages or run the handler."""
    args = typed_arguments(entry, arguments)
    description = entry.prompt.description
    if entry.messages is not None:
        messages = [render_message(m, arguments) for m in entry.messages]
        return types.GetPromptResult(description=description, messages=messages)
    assert entry.handler is not None
    name = entry.prompt.name
    try:
        output = await entry.handler(args, ToolContext(ctx, name))
    except anyio.get_cancelled_exc_class():
        raise
    except NotImplementedError:
        raise MCPError(types.INTERNAL_ERROR, f"Not implemented: {name}") from None
    except MCPError:
        raise
    except ToolFailure as exc:  # the handler's own message, as the client sees it
        raise MCPError(types.INTERNAL_ERROR, str(exc)) from None
    except Exception as exc:
        raise _unexpected(name, exc, internal_errors_mode(internal_errors)) from None
    return to_prompt_result(output, description)


def _unexpected(name: str, exc: Exception, mode: InternalErrors) -> MCPError:
    if mode == "show":
        logger.exception("prompt %r raised", name)
        return MCPError(types.INTERNAL_ERROR, f"Prompt '{name}' failed: {exc}")
    ident = error_id()
    logger.exception("prompt %r raised (id %s)", name, ident)
    return MCPError(
        types.INTERNAL_ERROR, f"Prompt '{name}' failed: internal error (id {ident})"
    )


def to_prompt_result(output: Any, description: str | None) -> types.GetPromptResult:
    """A handler's return value as a GetPromptResult: a string is one user message."""
    if isinstance(output, types.GetPromptResult):
        return output
    if isinstance(output, str):
        content = types.TextContent(type="text", text=output)
        output = [types.PromptMessage(role="user", content=content)]
    return types.GetPromptResult(
        description=description, messages=_MESSAGES.validate_python(list(output))
    )


def render_message(
    message: Mapping[str, Any], arguments: Mapping[str, str]
) -> types.PromptMessage:
    """One spec message with the arguments' values joined into its text and uri."""
    content = dict(message["content"])
    for key in ("text", "uri"):
        if key in content:
            content[key] = fill(content[key], arguments)
    resource = content.get("resource")
    if isinstance(resource, dict):
        content["resource"] = {
            k: fill(v, arguments) if k in ("text", "uri") else v
            for k, v in resource.items()
        }
    return types.PromptMessage.model_validate({**message, "content": content})


def fill(parts: str | Sequence[Any], arguments: Mapping[str, str]) -> str:
    """A template's parts joined: a string as is, `{"arg": n}` as n's value (an
    optional argument left out is empty)."""
    if isinstance(parts, str):
        return parts
    return "".join(
        p if isinstance(p, str) else str(arguments.get(p["arg"], "")) for p in parts
    )


def attach_prompt_data(
    server: Server[Any],
    data: Sequence[Mapping[str, Any]],
    models: object,
    handlers: object,
    more: Completions | None = None,
) -> None:
    """Register the prompts of prompts.json and the completions of their arguments:
    models and handlers are found by the names prompts.json gives. `more`: other
    entries of the one completion table (resource templates' variables)."""
    attach_prompts(server, entries_from_data(data, models, handlers))
    attach_completions(server, {**prompt_completions(data, handlers), **(more or {})})
