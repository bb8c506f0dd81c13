"""The rules of a resource template's `complete:` (completions of its variables);
each problem located.

`variables:` holds pure JSON Schemas, so how a variable is completed sits beside it,
keyed by the variable: `complete: {tag: {handler: true}, lang: {values: [en, fr]}}`.
A variable whose schema has an `enum` is completed from it without an entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpmint.spec.diagnostics import Diagnostic
from mcpmint.spec.load import LoadedSpec
from mcpmint.spec.naming import handler_name
from mcpmint.spec.resource_rules import reader_name

JsonPath = tuple[Any, ...]


def template_completer_name(name: str) -> str:
    """The completion handler (and typed client method) of a resource template:
    `complete_read_<name>`."""
    return "complete_" + reader_name(name)


def template_completion_problems(
    spec: LoadedSpec, data: dict[str, Any]
) -> list[Diagnostic]:
    """Every problem of the `complete:` of the spec's resource templates."""
    templates = data.get("resourceTemplates")
    if not isinstance(templates, list):
        return []
    found: list[Diagnostic] = []
    taken = _python_names(data)
    for i, template in enumerate(templates):
        if not isinstance(template, dict) or "complete" not in template:
            continue
        at = ("resourceTemplates", i, "complete")
        complete = template["complete"]
        if not isinstance(complete, dict):
            continue  # the format's model reports it
        variables = template.get("variables")
        schemas = variables if isinstance(variables, dict) else {}
        for variable, how in complete.items():
            found += _entry(spec, (*at, variable), variable, how, schemas)
        name = template.get("name")
        handled = any(
            isinstance(how, dict) and how.get("handler") is True
            for how in complete.values()
        )
        if handled and isinstance(name, str):
            found += _collision(spec, ("resourceTemplates", i, "name"), name, taken)
    return found


def _entry(
    spec: LoadedSpec,
    at: JsonPath,
    variable: str,
    how: Any,
    schemas: dict[str, Any],
) -> Iterator[Diagnostic]:
    if variable not in schemas:
        shown = ", ".join(map(str, schemas)) or "none"
        yield spec.diagnostic(
            "error",
            at,
            f"{variable!r} is not a variable of the template",
            f"the template's variables: {shown}",
        )
        return
    if not isinstance(how, dict):
        return  # the format's model reports it
    values, handler = how.get("values"), how.get("handler") is True
    if values is not None and handler:
        yield spec.diagnostic(
            "error", at, "`complete` takes `values` or `handler: true`, not both"
        )
    elif values is None and not handler:
        yield spec.diagnostic(
            "error",
            at,
            f"completing {variable!r} needs `values` or `handler: true`",
            "a variable with an enum is completed from it without `complete`",
        )
    elif values is not None and isinstance(schemas[variable], dict):
        if "enum" in schemas[variable]:
            yield spec.diagnostic(
                "error",
                (*at, "values"),
                f"the schema of {variable!r} already lists its candidates (enum)",
                "drop this entry (the enum is offered) or the enum",
            )


def _python_names(data: dict[str, Any]) -> dict[str, str]:
    """Python names already taken by tools' and prompts' handlers."""
    taken: dict[str, str] = {}
    for key, prefixes in (("tools", ("",)), ("prompts", ("prompt-", "complete-"))):
        items = data.get(key)
        for j, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                for prefix in prefixes:
                    python = handler_name(prefix + item["name"])
                    taken.setdefault(python, f"{key}[{j}]")
    return taken


def _collision(
    spec: LoadedSpec, at: JsonPath, name: str, taken: dict[str, str]
) -> list[Diagnostic]:
    ident = template_completer_name(name)
    if ident not in taken:
        taken[ident] = "/".join(map(str, at[:2]))
        return []
    return [
        spec.diagnostic(
            "error",
            at,
            f"the completion handler of {name!r} would be {ident!r}, "
            f"as {taken[ident]}'s is",
            "rename one of them",
        )
    ]
