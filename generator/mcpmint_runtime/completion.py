"""completion/complete on the SDK's low-level server: candidates for a prompt's
arguments (and, through the same table, a resource template's variables).

A candidate list (an enum's values, a spec's `values:`) is filtered by the partial
value as a case-insensitive prefix; a handler's answer is taken as it is. Either
way at most 100 values go back, with `total` and `hasMore` as the protocol says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from .context import ToolContext

MAX_VALUES = 100  # the protocol's cap on one answer
# (argument name, partial value, the arguments already resolved, context)
CompletionHandler = Callable[
    [str, str, dict[str, str], ToolContext], Awaitable[Sequence[str]]
]


@dataclass(frozen=True, slots=True)
class Candidates:
    """One argument's completions: a fixed list, or a handler that is asked."""

    values: tuple[str, ...] = ()
    handler: CompletionHandler | None = None


# ("ref/prompt", prompt name) or ("ref/resource", uri template) -> argument -> how
Completions = Mapping[tuple[str, str], Mapping[str, Candidates]]


def completion(values: Sequence[str], total: int | None = None) -> types.Completion:
    """At most MAX_VALUES of `values`, with total and hasMore."""
    count = len(values) if total is None else total
    return types.Completion(
        values=list(values[:MAX_VALUES]),
        total=count,
        has_more=count > MAX_VALUES,
    )


def matching(values: Sequence[str], partial: str) -> list[str]:
    """The values starting with `partial`, ignoring case, in their order."""
    folded = partial.casefold()
    return [v for v in values if v.casefold().startswith(folded)]


def attach_completions(server: Server[Any], table: Completions) -> None:
    """Register completion/complete (and so the `completions` capability)."""

    async def on_completion(
        ctx: ServerRequestContext[Any], params: types.CompleteRequestParams
    ) -> types.CompleteResult:
        ref = params.ref
        key = (
            ("ref/prompt", ref.name)
            if isinstance(ref, types.PromptReference)
            else ("ref/resource", ref.uri)
        )
        arguments = table.get(key)
        if arguments is None:
            what = "prompt" if key[0] == "ref/prompt" else "resource template"
            raise MCPError(types.INVALID_PARAMS, f"Unknown {what}: {key[1]}")
        name, partial = params.argument.name, params.argument.value
        candidates = arguments.get(name)
        if candidates is None:
            return types.CompleteResult(completion=completion([]))
        if candidates.handler is None:
            found = matching(candidates.values, partial)
            return types.CompleteResult(completion=completion(found))
        resolved = dict(params.context.arguments or {}) if params.context else {}
        try:
            answer = await candidates.handler(
                name, partial, resolved, ToolContext(ctx, key[1])
            )
        except anyio.get_cancelled_exc_class():
            raise
        except MCPError:
            raise
        except NotImplementedError:
            raise MCPError(
                types.INTERNAL_ERROR, f"Not implemented: completion of {name!r}"
            ) from None
        except Exception as exc:
            raise MCPError(
                types.INTERNAL_ERROR, f"Completion of {name!r} failed: {exc}"
            ) from None
        return types.CompleteResult(completion=completion(list(answer)))

    server.add_request_handler(
        "completion/complete", types.CompleteRequestParams, on_completion
    )


def prompt_completions(
    data: Sequence[Mapping[str, Any]], handlers: object
) -> dict[tuple[str, str], dict[str, Candidates]]:
    """The completion table of prompts.json's prompts: each argument's candidates
    (a list) or "handler" (the attribute of `handlers` the prompt's `completer`
    names)."""
    table: dict[tuple[str, str], dict[str, Candidates]] = {}
    for item in data:
        name = item["prompt"]["name"]
        arguments: dict[str, Candidates] = {}
        for argument, how in item.get("complete", {}).items():
            if how == "handler":
                completer = getattr(handlers, item["completer"])
                arguments[argument] = Candidates(handler=completer)
            else:
                arguments[argument] = Candidates(values=tuple(how))
        table[("ref/prompt", name)] = arguments
    return table


def template_completions(
    data: Sequence[Mapping[str, Any]], handlers: object
) -> dict[tuple[str, str], dict[str, Candidates]]:
    """The completion table of resources.json's resource templates (keyed by the
    URI template, as a `ref/resource` names it): each variable's candidates (a
    list) or "handler" (the attribute of `handlers` its `completer` names)."""
    table: dict[tuple[str, str], dict[str, Candidates]] = {}
    for item in data:
        variables: dict[str, Candidates] = {}
        for variable, how in item["complete"].items():
            if how == "handler":
                completer = getattr(handlers, item["completer"])
                variables[variable] = Candidates(handler=completer)
            else:
                variables[variable] = Candidates(values=tuple(how))
        table[("ref/resource", item["uriTemplate"])] = variables
    return table
