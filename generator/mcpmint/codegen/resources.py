"""Lower `resources:` and `resourceTemplates:`: served objects, contents, names."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from mcpmint.codegen.ir import ProjectIR, ResourceIR, TemplateIR, VariableIR
from mcpmint.codegen.notifications import client_needs
from mcpmint.codegen.signatures import annotation_imports, input_params
from mcpmint.models import ModelRequest, ModelsSource
from mcpmint.spec.format import Resource, ResourceTemplate, Spec
from mcpmint.spec.naming import pascal
from mcpmint.spec.resource_rules import reader_name, resource_file

# mcpmint's keys, not served.
_CONTENT_KEYS = {"text", "file", "handler", "scopes"}
# Media types served as text when the file is UTF-8 (besides text/*).
_TEXTUAL = ("json", "xml", "yaml", "javascript", "toml", "csv", "markdown")


def variables_schema(template: ResourceTemplate) -> dict[str, Any]:
    """The object schema of a template's variables: those in the path required,
    query ones (`{?q}`) optional."""
    from mcp.shared.uri_template import UriTemplate

    parsed = UriTemplate.parse(template.uriTemplate)
    names = parsed.variable_names
    return {
        "type": "object",
        "properties": {name: template.variables[name] for name in names},
        "required": [n for n in names if n not in parsed.query_variable_names],
        "additionalProperties": False,
    }


def resource_model_requests(spec: Spec) -> list[ModelRequest]:
    """One model per resource template: its variables."""
    return [
        ModelRequest(
            f"{pascal(t.name)}Variables",
            variables_schema(t),
            f"resource template {t.name}",
            "variables",
        )
        for t in spec.resourceTemplates
    ]


def with_resources(
    project: ProjectIR, spec: Spec, models: ModelsSource, spec_path: Path
) -> ProjectIR:
    """`project` with the spec's resources and templates."""
    from dataclasses import replace

    templates = tuple(_template(t, models) for t in spec.resourceTemplates)
    from mcpmint.codegen.prompts import prompt_client_classes

    classes = [models.model_class(t.input_model) for t in project.tools]
    classes += prompt_client_classes(spec, models)
    classes += [models.model_class(t.variables_model) for t in templates]
    from mcpmint.codegen.template_completion import with_template_completions

    templates, completes = with_template_completions(project, spec, templates)
    return replace(
        project,
        client_imports=annotation_imports(classes, client_needs(spec)),
        resources=tuple(_resource(r, spec_path) for r in spec.resources),
        resource_templates=templates,
        complete_templates=completes,
    )


def _served(entry: Resource | ResourceTemplate, leave_out: set[str]) -> str:
    data = entry.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude=leave_out
    )
    return _json(data)


def _resource(resource: Resource, spec_path: Path) -> ResourceIR:
    contents: dict[str, str] | None = None
    if resource.text is not None:
        contents = {"text": resource.text}
    elif resource.file is not None:
        data = resource_file(spec_path, resource.file).read_bytes()
        contents = _file_contents(data, resource.mimeType)
    return ResourceIR(
        uri=resource.uri,
        name=resource.name,
        func_name=reader_name(resource.name) if resource.handler else None,
        resource_json=_served(resource, _CONTENT_KEYS),
        contents_json=_json(contents) if contents is not None else None,
        description=resource.description or "",
    )


def _file_contents(data: bytes, mime_type: str | None) -> dict[str, str]:
    """Text when the file is UTF-8 and its media type (if any) is textual; else a
    base64 blob."""
    textual = mime_type is None or mime_type.startswith("text/")
    textual = textual or any(word in (mime_type or "") for word in _TEXTUAL)
    if textual:
        try:
            return {"text": data.decode("utf-8")}
        except UnicodeDecodeError:
            pass
    return {"blob": base64.b64encode(data).decode("ascii")}


def _template(template: ResourceTemplate, models: ModelsSource) -> TemplateIR:
    prefix = pascal(template.name)
    model = f"{prefix}Variables"
    return TemplateIR(
        uri_template=template.uriTemplate,
        name=template.name,
        func_name=reader_name(template.name),
        class_prefix=prefix,
        variables_model=model,
        template_json=_served(template, {"variables", "scopes"}),
        variables=tuple(
            VariableIR(name, str(schema.get("type", "string")))
            for name, schema in template.variables.items()
        ),
        params=input_params(models.model_class(model)),
        description=template.description or "",
        variables_json=_json(template.variables),
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
