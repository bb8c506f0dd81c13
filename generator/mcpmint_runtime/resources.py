"""resources/list, resources/templates/list and resources/read on the SDK's low-level
server: static contents, handlers, templates with typed variables.

The generated server.py holds the per-spec part (the Resource and ResourceTemplate
objects, the contents, the handlers) and passes it here.
"""

from __future__ import annotations

import base64
import json
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
from mcp.shared.path_security import is_absolute_path
from mcp.shared.uri_template import UriTemplate
from pydantic import BaseModel, ValidationError

from .context import ToolContext
from .dispatch import pydantic_problems
from .errors import InternalErrors, ToolFailure, error_id, internal_errors_mode
from .input_requests import or_input_required

logger = logging.getLogger(__name__)

# Resource not found: -32002 until 2025-11-25; 2026-07-28 retired it for -32602.
RESOURCE_NOT_FOUND = -32002
STATELESS_ERA = "2026-07-28"
_SEGMENT = re.compile(r"[/\\]")
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")

Contents = types.TextResourceContents | types.BlobResourceContents
ResourceHandler = Callable[[ToolContext], Awaitable[Any]]
TemplateHandler = Callable[[Any, ToolContext], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class ResourceEntry:
    """A static resource: what resources/list serves and where its contents are."""

    resource: types.Resource
    text: str | None = None
    blob: str | None = None  # base64, as the wire carries it
    handler: ResourceHandler | None = None


@dataclass(frozen=True, slots=True)
class TemplateEntry:
    """A resource template: its variables' model and JSON types, and its handler."""

    template: types.ResourceTemplate
    model: type[BaseModel]
    handler: TemplateHandler
    kinds: Mapping[str, str] = field(default_factory=dict)  # variable -> JSON type
    parsed: UriTemplate = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "parsed", UriTemplate.parse(self.template.uri_template)
        )


def register_resources(
    server: Server[Any],
    resources: Sequence[ResourceEntry],
    templates: Sequence[TemplateEntry] = (),
    *,
    internal_errors: InternalErrors | None = None,
) -> None:
    """Serve `resources` and `templates` from `server` (its `resources` capability)."""
    listing = types.ListResourcesResult(resources=[e.resource for e in resources])
    template_listing = types.ListResourceTemplatesResult(
        resource_templates=[e.template for e in templates]
    )
    by_uri = {str(e.resource.uri): e for e in resources}

    async def on_list(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return listing

    async def on_list_templates(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        return template_listing

    async def on_read(
        ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult | types.InputRequiredResult:
        return await or_input_required(read(ctx, params))

    async def read(
        ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        uri = str(params.uri)
        entry = by_uri.get(uri)
        if entry is not None:
            return await read_static(entry, ctx, internal_errors)
        for template in templates:
            found = template.parsed.match(uri)
            if found is not None:
                return await read_template(template, uri, found, ctx, internal_errors)
        raise not_found(uri, ctx.protocol_version)

    server.add_request_handler("resources/list", types.PaginatedRequestParams, on_list)
    server.add_request_handler(
        "resources/templates/list", types.PaginatedRequestParams, on_list_templates
    )
    server.add_request_handler(
        "resources/read", types.ReadResourceRequestParams, on_read
    )


def not_found(uri: str, protocol_version: str | None) -> MCPError:
    """The error for a URI no resource or template answers, as the era wants it."""
    stateless = (protocol_version or "") >= STATELESS_ERA
    code = types.INVALID_PARAMS if stateless else RESOURCE_NOT_FOUND
    return MCPError(code, f"Resource not found: {uri}", {"uri": uri})


async def read_static(
    entry: ResourceEntry,
    ctx: ServerRequestContext[Any],
    internal_errors: InternalErrors | None = None,
) -> types.ReadResourceResult:
    """A static resource's contents: inline, bundled, or from its handler."""
    resource = entry.resource
    uri = str(resource.uri)
    if entry.handler is None:
        value: Any = entry.text
        if entry.blob is not None:
            return _result(
                types.BlobResourceContents(
                    uri=uri,
                    mime_type=resource.mime_type or "application/octet-stream",
                    blob=entry.blob,
                )
            )
    else:
        handler = entry.handler
        value = await _run(resource.name, uri, handler, ctx, internal_errors)
    return _result(_contents(resource.name, uri, resource.mime_type, value))


async def read_template(
    entry: TemplateEntry,
    uri: str,
    found: Mapping[str, str | list[str]],
    ctx: ServerRequestContext[Any],
    internal_errors: InternalErrors | None = None,
) -> types.ReadResourceResult:
    """A template's contents: variables checked and typed, then its handler."""
    name = entry.template.name
    title = f"Invalid URI for resource template '{name}':"
    unsafe = [k for k, v in found.items() if _unsafe(v)]
    if unsafe:
        lines = [f"- {k}: '..', absolute paths and NUL are not allowed" for k in unsafe]
        raise MCPError(types.INVALID_PARAMS, "\n".join([title, *lines]), {"uri": uri})
    data = {k: _typed(v, entry.kinds.get(k, "string")) for k, v in found.items()}
    try:
        args = entry.model.model_validate(data)
    except ValidationError as exc:
        lines = [f"- {p}" for p in pydantic_problems(exc, data)]
        raise MCPError(
            types.INVALID_PARAMS, "\n".join([title, *lines]), {"uri": uri}
        ) from None
    handler = entry.handler
    value = await _run(name, uri, lambda c: handler(args, c), ctx, internal_errors)
    return _result(_contents(name, uri, entry.template.mime_type, value))


def _unsafe(value: str | list[str]) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(
        "\0" in v or ".." in _SEGMENT.split(v) or is_absolute_path(v) for v in values
    )


def _typed(value: str | list[str], kind: str) -> Any:
    """A URI's text read as the variable's JSON type; left as text when it is not
    one (the model then says what is wrong)."""
    if isinstance(value, list):
        return value
    if kind == "integer" and _INTEGER.fullmatch(value):
        return int(value)
    if kind == "number" and _NUMBER.fullmatch(value):
        return int(value) if _INTEGER.fullmatch(value) else float(value)
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


async def _run(
    name: str,
    uri: str,
    call: Callable[[ToolContext], Awaitable[Any]],
    ctx: ServerRequestContext[Any],
    internal_errors: InternalErrors | None,
) -> Any:
    """A handler's value; its failure a JSON-RPC internal error with its message."""
    try:
        return await call(ToolContext(ctx, name))
    except anyio.get_cancelled_exc_class():
        raise
    except MCPError:
        raise
    except NotImplementedError:
        message = f"Not implemented: {name}"
    except ToolFailure as exc:
        logger.info("resource %r failed: %s", name, exc)
        message = str(exc)
    except Exception as exc:
        if internal_errors_mode(internal_errors) == "show":
            logger.exception("resource %r raised", name)
            message = f"Resource '{name}' failed: {exc}"
        else:
            ident = error_id()
            logger.exception("resource %r raised (id %s)", name, ident)
            message = f"Resource '{name}' failed: internal error (id {ident})"
    raise MCPError(types.INTERNAL_ERROR, message, {"uri": uri})


def _contents(name: str, uri: str, mime_type: str | None, value: Any) -> Contents:
    if isinstance(value, str):
        return types.TextResourceContents(
            uri=uri, mime_type=mime_type or "text/plain", text=value
        )
    if isinstance(value, bytes | bytearray):
        return types.BlobResourceContents(
            uri=uri,
            mime_type=mime_type or "application/octet-stream",
            blob=base64.b64encode(value).decode("ascii"),
        )
    message = f"Resource '{name}' returned {type(value).__name__}, not str or bytes"
    logger.error("%s", message)
    raise MCPError(types.INTERNAL_ERROR, message, {"uri": uri})


def _result(contents: Contents) -> types.ReadResourceResult:
    return types.ReadResourceResult(contents=[contents])


def expand_uri(template: str, values: Mapping[str, Any]) -> str:
    """The URI a typed client reads: `template` with `values` (JSON scalars as their
    JSON text, so `true`, `3`), absent ones left out."""
    text = {
        key: value if isinstance(value, str) else json.dumps(value)
        for key, value in values.items()
        if value is not None
    }
    return UriTemplate.parse(template).expand(text)


def contents_value(result: types.ReadResourceResult) -> str | bytes:
    """A read's first contents: its text, or its blob decoded."""
    first = result.contents[0]
    if isinstance(first, types.BlobResourceContents):
        return base64.b64decode(first.blob)
    return first.text
