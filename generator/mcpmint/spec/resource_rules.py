"""The rules of `resources:` and `resourceTemplates:`; each problem located."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from mcpmint.spec.diagnostics import Diagnostic, short_message
from mcpmint.spec.load import LoadedSpec
from mcpmint.spec.naming import handler_name, snake

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SOURCES = ("text", "file", "handler")
# A URI gives every variable as text: the types mcpmint turns text into.
VARIABLE_TYPES = ("string", "integer", "number", "boolean")


def reader_name(name: str) -> str:
    """The handler function (and typed client method) of a resource or template:
    `read_<name>`."""
    return "read_" + snake(name).rstrip("_")


def resource_file(spec_path: Path, file: str) -> Path:
    """A resource's `file:` as a path (relative to the spec's folder)."""
    return spec_path.parent / file


def resource_problems(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    """Every problem of the spec's `resources:` and `resourceTemplates:` lists."""
    resources = _entries(data, "resources")
    templates = _entries(data, "resourceTemplates")
    found: list[Diagnostic] = []
    for i, resource in resources:
        found += _contents(spec, resource, i)
        found += _uri(spec, resource, i)
    for i, template in templates:
        found += _template(spec, template, i)
    found += list(_names(spec, data, resources, templates))
    return found


def _entries(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _contents(spec: LoadedSpec, resource: dict[str, Any], i: int) -> list[Diagnostic]:
    given = [key for key in _SOURCES if resource.get(key) is not None]
    where = ("resources", i)
    if not given:
        return [
            spec.diagnostic(
                "error",
                where,
                "a resource needs its contents",
                "give exactly one of `text:`, `file:` or `handler: true`",
            )
        ]
    if len(given) > 1:
        return [
            spec.diagnostic(
                "error",
                (*where, given[1]),
                f"a resource takes one content source, not {' and '.join(given)}",
                "keep one of `text:`, `file:` or `handler: true`",
            )
        ]
    file = resource.get("file")
    if isinstance(file, str):
        return _file(spec, file, (*where, "file"))
    return []


def _file(spec: LoadedSpec, file: str, where: tuple[Any, ...]) -> list[Diagnostic]:
    folder = spec.path.parent.resolve()
    path = resource_file(spec.path, file)
    if Path(file).is_absolute() or not path.resolve().is_relative_to(folder):
        return [
            spec.diagnostic(
                "error",
                where,
                f"file {file!r} lies outside the spec's folder",
                "give a path relative to the spec, inside its folder",
            )
        ]
    if not path.is_file():
        return [
            spec.diagnostic(
                "error",
                where,
                f"file {file!r} does not exist",
                "the path is relative to the spec's folder",
            )
        ]
    if path not in spec.sources:
        spec.sources.append(path)  # its bytes are an input of the build
    return []


def _uri(spec: LoadedSpec, resource: dict[str, Any], i: int) -> list[Diagnostic]:
    uri = resource.get("uri")
    if not isinstance(uri, str) or not uri:
        return []
    from mcp.shared.uri_template import UriTemplate

    where = ("resources", i, "uri")
    if not _SCHEME.match(uri):
        return [
            spec.diagnostic(
                "error", where, f"{uri!r} is not a URI", "start it with a scheme: x://"
            )
        ]
    if UriTemplate.is_template(uri):
        return [
            spec.diagnostic(
                "error",
                where,
                f"{uri!r} is a URI template, not a URI",
                "declare it under `resourceTemplates:` with `uriTemplate:`",
            )
        ]
    return []


def _template(spec: LoadedSpec, template: dict[str, Any], i: int) -> list[Diagnostic]:
    from mcp.shared.uri_template import InvalidUriTemplate, UriTemplate

    text = template.get("uriTemplate")
    if not isinstance(text, str) or not text:
        return []
    where = ("resourceTemplates", i)
    try:
        parsed = UriTemplate.parse(text)
    except InvalidUriTemplate as exc:
        return [
            spec.diagnostic(
                "error",
                (*where, "uriTemplate"),
                f"the SDK cannot match this URI template: {exc}",
                "RFC 6570 levels 1-3, at most one {+path}; no {var*}",
            )
        ]
    if not _SCHEME.match(text):
        return [
            spec.diagnostic(
                "error",
                (*where, "uriTemplate"),
                f"{text!r} is not a URI template",
                "start it with a scheme: x://",
            )
        ]
    variables = template.get("variables", {})
    if not isinstance(variables, dict):
        return []
    return list(_variables(spec, parsed.variable_names, variables, where))


def _variables(
    spec: LoadedSpec,
    names: list[str],
    variables: dict[str, Any],
    where: tuple[Any, ...],
) -> Iterator[Diagnostic]:
    for name in names:
        if name not in variables:
            yield spec.diagnostic(
                "error",
                (*where, "variables"),
                f"template variable {name!r} has no schema",
                f"add `{name}: {{type: string}}` under `variables:`",
            )
    for name, schema in variables.items():
        path = (*where, "variables", name)
        if name not in names:
            shown = ", ".join(names) or "none"
            yield spec.diagnostic(
                "error",
                path,
                f"{name!r} is not a variable of the URI template",
                f"the template's variables: {shown}",
            )
            continue
        yield from _variable_schema(spec, schema, path)


def _variable_schema(
    spec: LoadedSpec, schema: Any, path: tuple[Any, ...]
) -> Iterator[Diagnostic]:
    if not isinstance(schema, dict):
        yield spec.diagnostic("error", path, "a variable's schema must be a mapping")
        return
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        yield spec.diagnostic(
            "error", path, f"not a valid JSON Schema: {short_message(exc.message)}"
        )
        return
    kind = schema.get("type")
    if kind not in VARIABLE_TYPES:
        yield spec.diagnostic(
            "error",
            (*path, "type") if "type" in schema else path,
            f"a template variable needs `type:` one of {', '.join(VARIABLE_TYPES)}",
            "a URI carries text: say how to read it",
        )


def _names(
    spec: LoadedSpec,
    data: dict[str, Any],
    resources: list[tuple[int, dict[str, Any]]],
    templates: list[tuple[int, dict[str, Any]]],
) -> Iterator[Diagnostic]:
    tools = data.get("tools")
    python = {"read_resource": "the typed client's read_resource(uri)"}
    if isinstance(tools, list):
        for j, tool in enumerate(tools):
            if isinstance(tool, dict) and isinstance(tool.get("name"), str):
                python.setdefault(handler_name(tool["name"]), f"tools[{j}]")
    names: dict[str, str] = {}
    uris: dict[str, str] = {}
    entries = [("resources", i, r, "uri") for i, r in resources]
    entries += [("resourceTemplates", i, t, "uriTemplate") for i, t in templates]
    for key, i, entry, uri_key in entries:
        here = f"{key}[{i}]"
        uri, name = entry.get(uri_key), entry.get("name")
        if isinstance(uri, str):
            if uri in uris:
                yield spec.diagnostic(
                    "error",
                    (key, i, uri_key),
                    f"duplicate URI {uri!r}",
                    f"{uris[uri]} has the same one",
                )
            uris.setdefault(uri, here)
        if not isinstance(name, str):
            continue
        if name in names:
            yield spec.diagnostic(
                "error",
                (key, i, "name"),
                f"duplicate resource name {name!r}",
                f"{names[name]} has the same name",
            )
            continue
        names[name] = here
        if key == "resources" and entry.get("handler") is not True:
            continue
        ident = reader_name(name)
        if ident in python:
            yield spec.diagnostic(
                "error",
                (key, i, "name"),
                f"{name!r} becomes {ident!r} in Python, as {python[ident]} does",
                "rename one of them",
            )
        python.setdefault(ident, here)
