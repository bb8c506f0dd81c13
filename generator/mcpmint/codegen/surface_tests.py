"""What the generated tests ask of resources, templates, prompts and completions: a
request for each, made up from the spec (a template's URI from its variables'
schemas), so that a handler still a stub fails its test."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from mcpmint.codegen.ir import ProjectIR, SurfaceCaseIR
from mcpmint.schema.synth import synthesise
from mcpmint.spec.format import ResourceTemplate, Spec


def with_test_uris(project: ProjectIR, spec: Spec) -> ProjectIR:
    """`project` with each resource template's `test_uri` (None: none made up)."""
    templates = tuple(
        replace(ir, test_uri=test_uri(template))
        for ir, template in zip(
            project.resource_templates, spec.resourceTemplates, strict=True
        )
    )
    return replace(project, resource_templates=templates)


def test_uri(template: ResourceTemplate) -> str | None:
    """The template expanded with a value valid under each variable's schema, that
    the template matches back; None when a value cannot be made up."""
    from mcp.shared.uri_template import InvalidUriTemplate, UriTemplate

    try:
        parsed = UriTemplate.parse(template.uriTemplate)
    except InvalidUriTemplate:
        return None
    values: dict[str, str] = {}
    for name in parsed.variable_names:
        value = _wire_value(template.variables.get(name, {"type": "string"}))
        if value is None:
            return None
        values[name] = value
    uri = parsed.expand(values)
    return uri if parsed.match(uri) is not None else None


def _wire_value(schema: dict[str, Any]) -> str | None:
    """A value valid under `schema`, as the URI carries it (a string)."""
    found, value = synthesise(schema)
    if not found or value is None or isinstance(value, dict | list):
        return None
    return value if isinstance(value, str) else json.dumps(value)


def with_surface_cases(project: ProjectIR) -> ProjectIR:
    """`project` with the generated tests' requests: every resource and template read
    by a handler, every prompt, every completion handler."""
    case = SurfaceCaseIR
    cases = [
        case(f"resource {r.uri}", r.func_name, "read", r.uri)
        for r in project.resources
        if r.func_name
    ]
    for t in project.resource_templates:
        if t.test_uri is not None:
            cases.append(case(f"template {t.name}", t.func_name, "read", t.test_uri))
        cases += [
            case(f"completion of {t.name}.{v}", t.complete_func, "ref/resource",
                 t.uri_template, v)
            for v in t.complete_handler
        ]  # fmt: skip
    for q in project.prompts:
        if (given := q.test_arguments) is None:
            continue
        module = q.func_name if q.handler else ""
        cases.append(case(f"prompt {q.wire_name}", module, "prompt", q.wire_name,
                          arguments=given))  # fmt: skip
        cases += [
            case(f"completion of {q.wire_name}.{a}", q.complete_func, "ref/prompt",
                 q.wire_name, a, given)
            for a in q.complete_handler
        ]  # fmt: skip
    return replace(project, surface_cases=tuple(cases))
