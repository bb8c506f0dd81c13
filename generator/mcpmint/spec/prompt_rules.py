"""The rules of `prompts:` the format's models cannot say, each located: names,
arguments and their schemas, completions, messages, placeholders and files."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from mcpmint.spec.diagnostics import Diagnostic, JsonPath, short_message
from mcpmint.spec.load import LoadedSpec
from mcpmint.spec.naming import handler_name, pascal
from mcpmint.spec.placeholders import PlaceholderError, names, parse

ARGUMENT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")
# Types whose values a string carries faithfully (the wire sends strings only).
STRING_TYPES = ("string", "integer", "number", "boolean")
# Which keys each content type takes; `type` is always there.
_CONTENT_KEYS = {
    "text": ({"text"}, set()),
    "image": ({"file"}, {"mimeType"}),
    "audio": ({"file"}, {"mimeType"}),
    "resource": ({"uri"}, {"text", "file", "mimeType"}),
    "resource_link": ({"uri", "name"}, {"title", "description", "mimeType"}),
}
# Fields where `{argument}` is replaced (the rest is served as written).
TEMPLATED = ("text", "uri")


def prompt_python_names(name: str) -> tuple[str, str, str]:
    """The handler module, completion module and class prefix of a prompt."""
    return (
        handler_name(f"prompt-{name}"),
        handler_name(f"complete-{name}"),
        pascal(f"prompt-{name}"),
    )


def prompt_problems(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    """Every problem of the spec's prompts."""
    prompts = data.get("prompts")
    if not isinstance(prompts, list):
        return []
    found = list(_names(spec, prompts, data.get("tools")))
    for i, prompt in enumerate(prompts):
        if isinstance(prompt, dict):
            found += _prompt(spec, ("prompts", i), prompt)
    return found


def _names(spec: LoadedSpec, prompts: list[Any], tools: Any) -> Iterator[Diagnostic]:
    taken: dict[str, str] = {}
    for tool in tools if isinstance(tools, list) else []:
        if isinstance(tool, dict) and isinstance(tool.get("name"), str):
            for python in (handler_name(tool["name"]), pascal(tool["name"])):
                taken.setdefault(python, f"tool {tool['name']!r}")
    by_name: dict[str, int] = {}
    for i, prompt in enumerate(prompts):
        name = prompt.get("name") if isinstance(prompt, dict) else None
        if not isinstance(name, str):
            continue
        where = ("prompts", i, "name")
        if not name:
            yield spec.diagnostic("error", where, "a prompt name cannot be empty")
            continue
        if name in by_name:
            yield spec.diagnostic(
                "error",
                where,
                f"duplicate prompt name {name!r}",
                f"prompts[{by_name[name]}] has the same name",
            )
            continue
        by_name[name] = i
        for python in prompt_python_names(name):
            if python in taken:
                yield spec.diagnostic(
                    "error",
                    where,
                    f"prompt {name!r} and {taken[python]} both become "
                    f"{python!r} in Python",
                    "rename one of them",
                )
                break
        else:
            for python in prompt_python_names(name):
                taken[python] = f"prompt {name!r}"


def _prompt(spec: LoadedSpec, at: JsonPath, prompt: dict[str, Any]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    arguments = prompt.get("arguments")
    declared: dict[str, int] = {}  # argument name -> its index
    if isinstance(arguments, list):
        for j, argument in enumerate(arguments):
            if isinstance(argument, dict):
                found += _argument(spec, (*at, "arguments", j), argument, declared)
                if isinstance(argument.get("name"), str):
                    declared.setdefault(argument["name"], j)
    messages, handler = prompt.get("messages"), prompt.get("handler") is True
    if messages is not None and handler:
        found.append(
            spec.diagnostic(
                "error",
                (*at, "handler"),
                "a prompt takes `messages` or `handler: true`, not both",
                "drop `messages` to build them in the handler, or drop `handler`",
            )
        )
    elif messages is None and not handler:
        found.append(
            spec.diagnostic(
                "error",
                at,
                "a prompt needs `messages` or `handler: true`",
                "list its messages, or set `handler: true` to build them in code",
            )
        )
    if isinstance(messages, list):
        used: set[str] = set()
        for k, message in enumerate(messages):
            content = message.get("content") if isinstance(message, dict) else None
            if isinstance(content, dict):
                where = (*at, "messages", k, "content")
                found += _content(spec, where, content, declared, used)
        for name, j in declared.items():
            if name not in used and ARGUMENT_NAME.match(name):
                found.append(
                    spec.diagnostic(
                        "warning",
                        (*at, "arguments", j, "name"),
                        f"no message uses argument {name!r}",
                        f"write {{{name}}} where its value goes",
                    )
                )
    return found


def _argument(
    spec: LoadedSpec, at: JsonPath, argument: dict[str, Any], declared: dict[str, int]
) -> list[Diagnostic]:
    name = argument.get("name")
    if not isinstance(name, str):
        return []
    found: list[Diagnostic] = []
    if not ARGUMENT_NAME.match(name):
        found.append(
            spec.diagnostic(
                "error",
                (*at, "name"),
                f"argument name {name!r} is not valid",
                "start with a letter or _, then letters, digits, _ . - (at most 128)",
            )
        )
    elif name in declared:
        found.append(
            spec.diagnostic("error", (*at, "name"), f"duplicate argument {name!r}")
        )
    schema = argument.get("schema")
    if isinstance(schema, dict):
        found += _argument_schema(spec, (*at, "schema"), schema)
    complete = argument.get("complete")
    if isinstance(complete, dict):
        enum = isinstance(schema, dict) and "enum" in schema
        found += _complete(spec, (*at, "complete"), complete, enum)
    return found


def _argument_schema(
    spec: LoadedSpec, at: JsonPath, schema: dict[str, Any]
) -> list[Diagnostic]:
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        message = f"not a valid JSON Schema: {short_message(exc.message)}"
        return [spec.diagnostic("error", (*at, *exc.path), message)]
    kind = schema.get("type", "string")
    if kind not in STRING_TYPES:
        return [
            spec.diagnostic(
                "error",
                (*at, "type") if "type" in schema else at,
                f"a prompt argument cannot be of type {kind!r}: arguments are "
                "strings on the wire",
                "use one of " + ", ".join(STRING_TYPES),
            )
        ]
    for key in ("$ref", "properties", "items", "anyOf", "oneOf", "allOf"):
        if key in schema:
            return [
                spec.diagnostic(
                    "error",
                    (*at, key),
                    f"`{key}` is not supported in a prompt argument's schema",
                    "use type, enum, pattern, format and bounds",
                )
            ]
    enum = schema.get("enum")
    if isinstance(enum, list):
        python: dict[str, type | tuple[type, ...]] = {
            "string": str,
            "integer": int,
            "number": (int, float),
        }
        expected = python.get(kind, bool)
        for n, value in enumerate(enum):
            if not isinstance(value, expected) or (
                kind != "boolean" and isinstance(value, bool)
            ):
                return [
                    spec.diagnostic(
                        "error",
                        (*at, "enum", n),
                        f"enum value {value!r} is not of type {kind!r}",
                    )
                ]
    return []


def _complete(
    spec: LoadedSpec, at: JsonPath, complete: dict[str, Any], enum: bool
) -> list[Diagnostic]:
    values, handler = complete.get("values"), complete.get("handler") is True
    if values is not None and handler:
        return [
            spec.diagnostic(
                "error", at, "`complete` takes `values` or `handler: true`, not both"
            )
        ]
    if values is None and not handler:
        return [
            spec.diagnostic(
                "error",
                at,
                "`complete` needs `values` or `handler: true`",
                "an argument with an enum is completed from it without `complete`",
            )
        ]
    if values is not None and enum:
        return [
            spec.diagnostic(
                "error",
                (*at, "values"),
                "the argument's enum already lists its candidates",
                "drop `complete` (the enum is offered) or the enum",
            )
        ]
    return []


def _content(
    spec: LoadedSpec,
    at: JsonPath,
    content: dict[str, Any],
    declared: dict[str, int],
    used: set[str],
) -> list[Diagnostic]:
    kind = content.get("type")
    if not isinstance(kind, str) or kind not in _CONTENT_KEYS:
        return []  # the format's models report it (a list is no type either)
    needed, optional = _CONTENT_KEYS[kind]
    found = [
        spec.diagnostic(
            "error", at, f"{kind} content needs `{key}`", _hint_for(kind, key)
        )
        for key in sorted(needed - content.keys())
    ]
    for key in sorted(content.keys() - needed - optional - {"type"}):
        found.append(
            spec.diagnostic(
                "error", (*at, key), f"`{key}` does not apply to {kind} content"
            )
        )
    if kind == "resource" and "text" not in content and "file" not in content:
        found.append(
            spec.diagnostic(
                "error",
                at,
                "resource content needs `text` or `file`",
                "`text: ...` inline, or `file:` beside the spec (sent as a blob)",
            )
        )
    if kind == "resource" and "text" in content and "file" in content:
        found.append(
            spec.diagnostic(
                "error", (*at, "file"), "a resource takes `text` or `file`, not both"
            )
        )
    for key in TEMPLATED:
        value = content.get(key)
        if isinstance(value, str):
            found += _placeholders(spec, (*at, key), value, declared, used)
    file = content.get("file")
    if isinstance(file, str):
        found += _file(spec, (*at, "file"), file, content.get("mimeType"), kind)
    return found


def _hint_for(kind: str, key: str) -> str | None:
    if key == "file":
        return "a file beside the spec, e.g. `file: images/logo.png`"
    if kind == "resource" and key == "uri":
        return "e.g. `uri: file:///notes/{name}.md`"
    return None


def _placeholders(
    spec: LoadedSpec,
    at: JsonPath,
    text: str,
    declared: dict[str, int],
    used: set[str],
) -> list[Diagnostic]:
    try:
        parts = parse(text)
    except PlaceholderError as exc:
        return [spec.diagnostic("error", at, str(exc))]
    found = []
    for name in names(parts):
        used.add(name)
        if name not in declared:
            known = ", ".join(declared) or "none"
            found.append(
                spec.diagnostic(
                    "error",
                    at,
                    f"placeholder {{{name}}} names no argument of this prompt",
                    f"arguments: {known}; write {{{{ and }}}} for literal braces",
                )
            )
    return found


def bundled_file(spec_path: Path, file: str) -> Path | None:
    """The file a prompt's content names, or None when it leaves the spec's folder."""
    folder = spec_path.parent.resolve()
    target = (folder / file).resolve()
    if Path(file).is_absolute() or not target.is_relative_to(folder):
        return None
    return target


def guess_mime(file: str) -> str | None:
    """A MIME type from a file name, the same on every machine."""
    return mimetypes.MimeTypes(filenames=()).guess_type(file, strict=False)[0]


def _file(
    spec: LoadedSpec, at: JsonPath, file: str, mime: Any, kind: str
) -> list[Diagnostic]:
    target = bundled_file(spec.path, file)
    if target is None:
        return [
            spec.diagnostic(
                "error",
                at,
                f"{file!r} is outside the spec's folder",
                "keep bundled files beside the spec or below it",
            )
        ]
    if not target.is_file():
        return [spec.diagnostic("error", at, f"file not found: {file}")]
    if target not in spec.sources:
        spec.sources.append(target)  # a change to it makes the project stale
    if mime is None and kind in ("image", "audio") and guess_mime(file) is None:
        return [
            spec.diagnostic(
                "error",
                at[:-1],
                f"no MIME type known for {file!r}",
                "set `mimeType`, e.g. image/png",
            )
        ]
    return []
