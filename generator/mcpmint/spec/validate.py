"""Every rule a spec must meet, each broken rule a located diagnostic; all of them
at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError
from referencing import Registry

from mcpmint.schema.walk import bundle, def_name, own_defs
from mcpmint.spec import format as spec_models
from mcpmint.spec.auth_rules import auth_problems
from mcpmint.spec.diagnostics import Diagnostic, JsonPath, short_message
from mcpmint.spec.empty_rules import empty_server_problems
from mcpmint.spec.header_rules import CACHE_KEYS, header_problems
from mcpmint.spec.keyword_rules import FORMAT_CHECKER, strict_problems
from mcpmint.spec.load import LoadedSpec
from mcpmint.spec.naming import handler_name, is_package_name, package_name, pascal
from mcpmint.spec.notification_rules import notification_problems
from mcpmint.spec.prompt_rules import prompt_problems
from mcpmint.spec.rename_rules import rename_problems
from mcpmint.spec.resource_rules import resource_problems
from mcpmint.spec.schema_rules import (
    bare_ref_cycles,
    metaschema_problems,
    ref_problems,
)
from mcpmint.spec.settings_rules import settings_problems
from mcpmint.spec.template_completion_rules import template_completion_problems
from mcpmint.spec.vocabulary import TOOL_KEYS

TOOL_NAME = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
LONG_NAME = 64
_META_VALIDATOR = Draft202012Validator(Draft202012Validator.META_SCHEMA)
_JSON_TYPES = "array, boolean, integer, null, number, object, string"
# Length and count bounds become machine integers in the models (pydantic-core is Rust):
# past 64 bits, models.py raises OverflowError on import. No value is ever that large.
MAX_BOUND = 2**63 - 1
_NO_ARGUMENTS = "a tool without arguments: `inputSchema: {type: object}`"


def validate(spec: LoadedSpec) -> list[Diagnostic]:
    """Every diagnostic for a loaded spec (errors and warnings)."""
    data = spec.data
    if not isinstance(data, dict):
        return [
            spec.diagnostic(
                "error", (), "the spec must be a mapping", "start with `mcpmint: 1`"
            )
        ]
    found = list(_structure(spec))
    found += _server(spec, data)
    tools = data.get("tools")
    if isinstance(tools, list):
        found += _tool_names(spec, tools) + rename_problems(spec, tools)
    found += _schemas(spec, data)
    found += settings_problems(spec, data)
    found += prompt_problems(spec, data)
    found += resource_problems(spec, data)
    found += template_completion_problems(spec, data)
    found += notification_problems(spec, data)
    found += header_problems(spec, data)
    found += empty_server_problems(spec, data)
    found += auth_problems(spec, data)
    return found


def _structure(spec: LoadedSpec) -> Iterator[Diagnostic]:
    try:
        spec_models.Spec.model_validate(spec.data)
    except ValidationError as exc:
        for error in exc.errors():
            yield _structure_diagnostic(spec, error)


def _structure_diagnostic(spec: LoadedSpec, error: Any) -> Diagnostic:
    loc: JsonPath = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        known = spec_models.known_keys(_model_at(loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else "known keys: " + ", ".join(known)
        )
        return spec.diagnostic("error", loc, f"unknown key {loc[-1]!r}", hint)
    if error["type"] == "missing":
        missing = f"missing required key {loc[-1]!r}"
        if loc[-1] == "inputSchema":
            return spec.diagnostic("error", loc[:-1], missing, _NO_ARGUMENTS)
        return spec.diagnostic("error", loc[:-1], missing)
    message = error["msg"]
    if error["type"] == "string_type" and isinstance(
        error.get("input"), int | float | bool
    ):
        return spec.diagnostic(
            "error", _trim_loc(loc), message, f'quote it: "{error["input"]}"'
        )
    if error["type"] == "literal_error" and loc == ("mcpmint",):
        return spec.diagnostic(
            "error",
            loc,
            "unsupported format version",
            "this mcpmint reads `mcpmint: 1`",
        )
    return spec.diagnostic("error", _trim_loc(loc), message)


def _trim_loc(loc: JsonPath) -> JsonPath:
    # pydantic adds union-member tags ("str", "list[str]") to locations; they are not
    # spec paths
    return tuple(p for p in loc if isinstance(p, int) or not any(c in p for c in "[]"))


def _model_at(loc: JsonPath) -> type[BaseModel]:
    names = [p for p in loc if isinstance(p, str)]
    table: dict[tuple[str, ...], type[BaseModel]] = {
        ("server",): spec_models.Server,
        ("auth",): spec_models.Auth,
        ("auth", "introspection"): spec_models.Introspection,
        ("tools",): spec_models.Tool,
        ("tools", "examples"): spec_models.Example,
        ("prompts",): spec_models.Prompt,
        ("prompts", "arguments"): spec_models.PromptArgument,
        ("prompts", "arguments", "complete"): spec_models.Completion,
        ("prompts", "messages"): spec_models.PromptMessage,
        ("prompts", "messages", "content"): spec_models.PromptContent,
        ("resources",): spec_models.Resource,
        ("resourceTemplates",): spec_models.ResourceTemplate,
        ("notifications",): spec_models.Notifications,
        ("notifications", "tools"): spec_models.ListChanges,
        ("notifications", "prompts"): spec_models.ListChanges,
        ("notifications", "resources"): spec_models.ResourceChanges,
        ("cache",): spec_models.Cache,
        **{("cache", m): spec_models.CacheHint for m in CACHE_KEYS},
        ("resources", "cache"): spec_models.CacheHint,
        ("resourceTemplates", "cache"): spec_models.CacheHint,
    }
    return table.get(tuple(names), spec_models.Spec)


def _server(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    server = data.get("server")
    if not isinstance(server, dict) or not isinstance(server.get("name"), str):
        return []
    package = server.get("package")
    if package is None:
        derived = package_name(server["name"])
        if not is_package_name(derived):
            return [
                spec.diagnostic(
                    "error",
                    ("server", "name"),
                    f"no Python package name can be derived from {server['name']!r}",
                    "set server.package",
                )
            ]
        return []
    if isinstance(package, str) and not is_package_name(package):
        return [
            spec.diagnostic(
                "error",
                ("server", "package"),
                f"{package!r} is not a valid Python package name",
                "use lowercase letters, digits and underscores",
            )
        ]
    return []


def _tool_names(spec: LoadedSpec, tools: list[Any]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    by_name: dict[str, int] = {}
    by_python: dict[str, tuple[int, str]] = {}
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            continue
        name = tool["name"]
        where = ("tools", i, "name")
        if not TOOL_NAME.match(name):
            found.append(
                spec.diagnostic(
                    "error",
                    where,
                    f"tool name {name!r} is not valid",
                    "use 1 to 128 of A-Z a-z 0-9 _ - .",
                )
            )
        elif len(name) > LONG_NAME:
            found.append(
                spec.diagnostic(
                    "warning",
                    where,
                    f"tool name is {len(name)} characters long",
                    f"many clients truncate names over {LONG_NAME} characters",
                )
            )
        if name in by_name:
            found.append(
                spec.diagnostic(
                    "error",
                    where,
                    f"duplicate tool name {name!r}",
                    f"tools[{by_name[name]}] has the same name",
                )
            )
            continue
        by_name[name] = i
        for python in (handler_name(name), pascal(name)):
            if python in by_python:
                j, other = by_python[python]
                found.append(
                    spec.diagnostic(
                        "error",
                        where,
                        f"tool {name!r} and tool {other!r} (tools[{j}]) "
                        f"both become {python!r} in Python",
                        "rename one of them",
                    )
                )
                break
        else:
            by_python[handler_name(name)] = (i, name)
            by_python[pascal(name)] = (i, name)
        if not tool.get("description"):
            found.append(
                spec.diagnostic(
                    "warning",
                    ("tools", i),
                    f"tool {name!r} has no description",
                    "clients show the description to the model; add one",
                )
            )
        found += _unknown_hints(spec, tool, i)
    return found


def _unknown_hints(spec: LoadedSpec, tool: dict[str, Any], i: int) -> list[Diagnostic]:
    """Annotation keys MCP does not define: the SDK's ToolAnnotations drops them."""
    annotations = tool.get("annotations")
    if not isinstance(annotations, dict):
        return []
    known = spec_models.known_keys(spec_models.Annotations)
    found = []
    for key in annotations:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.7)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else f"MCP annotations are {', '.join(known)}; "
            "put other data in the tool's _meta"
        )
        message = "not an MCP annotation: tools/list will not serve it"
        found.append(
            spec.diagnostic("warning", ("tools", i, "annotations", key), message, hint)
        )
    return found


def schema_problems(spec: LoadedSpec) -> list[Diagnostic]:
    """The rules of every schema in the file (`$defs`, tools' schemas), alone: what a
    shared schema file is checked against."""
    return _schemas(spec, spec.data) if isinstance(spec.data, dict) else []


def _schemas(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    defs = data.get("$defs")
    spec_defs: dict[str, Any] = defs if isinstance(defs, dict) else {}
    found = defs_problems(spec, spec_defs, spec_defs)
    tools = data.get("tools")
    for i, tool in enumerate(tools if isinstance(tools, list) else []):
        if isinstance(tool, dict):
            found += _tool_schemas(spec, tool, i, spec_defs)
    return found


def defs_problems(
    spec: LoadedSpec, spec_defs: dict[str, Any], names: Iterable[str]
) -> list[Diagnostic]:
    """The rules for the definitions `names` of `spec_defs` (a spec's `$defs`, or a
    shared schema file's)."""
    found = bare_ref_cycles(spec, {n: spec_defs[n] for n in names})
    for name in names:
        found += _schema_problems(spec, spec_defs[name], ("$defs", name), {}, spec_defs)
    return found


def _schema_problems(
    spec: LoadedSpec, schema: Any, base: JsonPath, local: Any, spec_defs: dict[str, Any]
) -> list[Diagnostic]:
    """The rules for one schema: valid 2020-12, refs that resolve, and strict."""
    strict = strict_problems(spec, schema, base, spec_defs)
    explained = {d.path for d in strict if d.level == "error"}
    meta = metaschema_problems(spec, schema, base)
    return (
        [d for d in meta if d.path not in explained]
        + ref_problems(spec, schema, base, local, spec_defs)
        + strict
    )


def _tool_schemas(
    spec: LoadedSpec, tool: dict[str, Any], i: int, spec_defs: dict[str, Any]
) -> list[Diagnostic]:
    found: list[Diagnostic] = [
        spec.diagnostic(
            "error",
            ("tools", i, key),
            f"`{key}` is empty (null): a tool's {key} has a value or is left out",
            "write its value under it, or remove the key",
        )
        for key in TOOL_KEYS[1:]
        if key in tool and tool[key] is None and key != "inputSchema"
    ]
    ok: dict[str, bool] = {}
    for key in ("inputSchema", "outputSchema"):
        schema = tool.get(key)
        base: JsonPath = ("tools", i, key)
        if not isinstance(schema, dict):
            ok[key] = False
            continue
        problems = _schema_problems(spec, schema, base, own_defs(schema), spec_defs)
        if schema.get("type") != "object":
            problems.append(
                spec.diagnostic(
                    "error",
                    (*base, "type") if "type" in schema else base,
                    f"the root of {key} must be `type: object`",
                    _root_hint(key, schema, spec_defs),
                )
            )
        found += problems
        ok[key] = not any(d.level == "error" for d in problems)
    found += _examples(spec, tool, i, spec_defs, ok)
    return found


def _root_hint(key: str, schema: dict[str, Any], spec_defs: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    target = spec_defs.get(def_name(ref) or "") if isinstance(ref, str) else None
    if "type" not in schema and isinstance(target, dict):
        if target.get("type") == "object":
            return (
                f'write `{key}: {{type: object, $ref: "{ref}"}}`: the MCP schema '
                "requires `type: object` at the root, beside the $ref"
            )
    if key == "outputSchema":
        return "structuredContent must be an object"
    if schema == {}:
        return _NO_ARGUMENTS
    return "MCP clients expect an object of named arguments"


def _examples(
    spec: LoadedSpec,
    tool: dict[str, Any],
    i: int,
    spec_defs: dict[str, Any],
    ok: dict[str, bool],
) -> list[Diagnostic]:
    examples = tool.get("examples")
    if not isinstance(examples, list):
        return []
    found = []
    # An empty registry: refs are resolved inside the bundled schema only, never fetched
    # (jsonschema would otherwise retrieve http: and file: URLs on its own).
    validators = {
        key: Draft202012Validator(
            bundle(tool[key], spec_defs),
            registry=Registry(),
            format_checker=FORMAT_CHECKER,
        )
        for key in ("inputSchema", "outputSchema")
        if ok.get(key)
    }
    for j, example in enumerate(examples):
        if not isinstance(example, dict):
            continue
        base: JsonPath = ("tools", i, "examples", j)
        if "inputSchema" in validators and isinstance(
            example.get("arguments", {}), dict
        ):
            found += _instance(
                spec,
                validators["inputSchema"],
                example.get("arguments", {}),
                (*base, "arguments"),
                "arguments",
            )
        result = example.get("result")
        if "outputSchema" in validators and "result" in example:
            found += _instance(
                spec, validators["outputSchema"], result, (*base, "result"), "result"
            )
        elif (
            "result" in example
            and not isinstance(result, str)
            and "outputSchema" not in tool
        ):
            found.append(
                spec.diagnostic(
                    "error",
                    (*base, "result"),
                    "a tool without an outputSchema returns text: "
                    "the example result must be a string",
                    "add an outputSchema for structured results",
                )
            )
    return found


def _instance(
    spec: LoadedSpec,
    validator: Draft202012Validator,
    instance: Any,
    base: JsonPath,
    what: str,
) -> list[Diagnostic]:
    try:
        errors = sorted(
            validator.iter_errors(instance),
            key=lambda e: list(map(str, e.absolute_path)),
        )
    except Exception:  # a broken or unresolved schema: reported where it is defined
        return []
    lead = (
        f"example {what} do not match the schema"
        if what == "arguments"
        else "example result does not match the outputSchema"
    )
    return [
        spec.diagnostic(
            "error", (*base, *e.absolute_path), f"{lead}: {short_message(e.message)}"
        )
        for e in errors
    ]
