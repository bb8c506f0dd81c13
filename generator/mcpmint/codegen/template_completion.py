"""Lower the completions of resource template variables: each variable's candidates
(its schema's enum, a `complete: {values: ...}` list, or "handler"), the names of the
completion handler and client method, and whether completion/complete serves them."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from mcpmint.codegen.ir import ProjectIR, TemplateIR
from mcpmint.spec.format import ResourceTemplate, Spec
from mcpmint.spec.template_completion_rules import template_completer_name


def candidates(template: ResourceTemplate) -> dict[str, list[str] | str]:
    """Each completed variable's fixed candidates or "handler", in the order of
    `variables:`."""
    found: dict[str, list[str] | str] = {}
    for name, schema in template.variables.items():
        how = template.complete.get(name)
        if how is not None:
            found[name] = "handler" if how.handler else list(how.values or [])
            continue
        enum = schema.get("enum")
        if isinstance(enum, list):
            found[name] = [v if isinstance(v, str) else json.dumps(v) for v in enum]
    return found


def with_template_completions(
    project: ProjectIR, spec: Spec, templates: tuple[TemplateIR, ...]
) -> tuple[tuple[TemplateIR, ...], bool]:
    """`templates` with their completion fields, and whether completion/complete
    answers for templates (some variable has candidates, or the prompts register
    completion/complete anyway: then a template without candidates answers none)."""
    out = []
    for ir, template in zip(templates, spec.resourceTemplates, strict=True):
        found = candidates(template)
        out.append(
            replace(
                ir,
                complete_func=template_completer_name(template.name),
                complete_handler=tuple(n for n, c in found.items() if c == "handler"),
                completed=tuple(found),
                completion_json=_json(found),
            )
        )
    served = bool(templates) and (
        bool(project.prompts) or any(t.completed for t in out)
    )
    return tuple(out), served


def completions_data(project: ProjectIR) -> list[dict[str, Any]]:
    """resources.json's "completions": per template, its candidates and (when a
    handler completes some variable) the handler's name."""
    data = []
    for t in project.resource_templates:
        entry: dict[str, Any] = {
            "uriTemplate": t.uri_template,
            "complete": json.loads(t.completion_json),
        }
        if t.complete_handler:
            entry["completer"] = t.complete_func
        data.append(entry)
    return data


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
