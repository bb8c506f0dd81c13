"""Lower a validated spec to the IR: every name, order and default is decided here."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mcpmint.codegen.hints import with_hints
from mcpmint.codegen.ir import ExampleIR, ProjectIR, ServerIR, SettingIR, ToolIR
from mcpmint.codegen.notifications import with_notifications
from mcpmint.codegen.prompts import (
    prompt_client_classes,
    prompt_model_requests,
    to_prompts_ir,
)
from mcpmint.codegen.resources import resource_model_requests, with_resources
from mcpmint.codegen.signatures import annotation_imports, input_params
from mcpmint.codegen.surface_tests import with_surface_cases, with_test_uris
from mcpmint.codegen.toolless import with_example_method
from mcpmint.models import ModelRequest, ModelsSource
from mcpmint.schema.synth import synthesise
from mcpmint.schema.walk import bundle
from mcpmint.spec.format import Setting, Spec, Tool
from mcpmint.spec.naming import handler_name, package_name, pascal
from mcpmint.spec.packages import SharedPackage
from mcpmint.spec.settings_rules import setting_field
from mcpmint.spec.vocabulary import TRANSPORTS

_SETTING_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "path": "Path",
}


def relative_spec_path(spec_path: Path, out: Path) -> str:
    """The spec as seen from the output directory, with forward slashes."""
    try:
        rel = os.path.relpath(spec_path.resolve(), out.resolve())
    except ValueError:  # another drive
        rel = spec_path.name
    return Path(rel).as_posix()


def to_ir(
    spec: Spec,
    models: ModelsSource,
    spec_path: Path,
    out: Path,
    shared: tuple[SharedPackage, ...] = (),
) -> ProjectIR:
    """The IR of a spec that passed validation, with the models rendered for it
    (`shared`: the shared schema packages they import)."""
    loose = {u.tool for u in models.unfaithful}
    tools = tuple(_tool(t, spec.defs, models, t.name in loose) for t in spec.tools)
    spec_rel = relative_spec_path(spec_path, out)
    project = ProjectIR(
        spec_path=spec_rel,
        regenerate=f"mcpmint generate {spec_rel} -o .",
        server=_server(spec),
        transports=tuple(t for t in TRANSPORTS if t in spec.transports),
        token_env=spec.auth.tokenEnv if spec.auth else None,
        tools=tools,
        models_source=models.source,
        warnings=tuple(
            f"{u.tool}: {u.pointer}: {u.reason}; "
            "this tool is also checked with its JSON Schema"
            for u in models.unfaithful
        ),
        client_imports=annotation_imports(
            [
                *(models.model_class(t.input_model) for t in tools),
                *prompt_client_classes(spec, models),
            ]
        ),
        settings=tuple(_setting(s) for s in spec.settings),
        shared=shared,
        prompts=to_prompts_ir(spec, models, spec_path),
        oauth_json=oauth_json(spec),
    )
    project = with_example_method(with_resources(project, spec, models, spec_path))
    project = with_hints(with_notifications(project, spec), spec)
    return with_surface_cases(with_test_uris(project, spec))


def model_requests(spec: Spec) -> list[ModelRequest]:
    """One model per tool input and per output schema, named after the tool."""
    requests = []
    for tool in spec.tools:
        prefix = pascal(tool.name)
        requests.append(
            ModelRequest(f"{prefix}Input", tool.inputSchema, tool.name, "inputSchema")
        )
        if tool.outputSchema is not None:
            requests.append(
                ModelRequest(
                    f"{prefix}Output", tool.outputSchema, tool.name, "outputSchema"
                )
            )
    return requests + prompt_model_requests(spec) + resource_model_requests(spec)


def _server(spec: Spec) -> ServerIR:
    s = spec.server
    return ServerIR(
        name=s.name,
        version=s.version,
        title=s.title,
        description=s.description,
        instructions=s.instructions,
        website_url=s.websiteUrl,
        package=s.package or package_name(s.name),
        tool_timeout=s.toolTimeout,
    )


def _setting(setting: Setting) -> SettingIR:
    """A setting's field: its type, and `X | None = None` when it may be unset."""
    annotation = _SETTING_TYPES[setting.type]
    value = setting.default
    default: str | None
    if value is not None:
        if setting.type == "path":
            default = f"Path({str(value)!r}).expanduser()"
        elif setting.type == "number":
            default = repr(float(value))
        else:
            default = repr(value)
    elif setting.required:
        default = None
    else:
        annotation += " | None"
        default = "None"
    return SettingIR(
        name=setting.name,
        field=setting_field(setting.name),
        type=setting.type,
        annotation=annotation,
        default=default,
        spec_default=repr(value),
        env_default=(
            None
            if value is None
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
        ),
        required=setting.required,
        secret=setting.secret,
        description=setting.description or "",
    )


def _tool(
    tool: Tool, spec_defs: dict[str, Any], models: ModelsSource, loose: bool
) -> ToolIR:
    prefix = pascal(tool.name)
    served = tool.served()
    served["inputSchema"] = bundle(tool.inputSchema, spec_defs)
    if tool.outputSchema is not None:
        served["outputSchema"] = bundle(tool.outputSchema, spec_defs)
    examples, synthesised = _examples(tool, served)
    output = served.get("outputSchema")
    return ToolIR(
        wire_name=tool.name,
        func_name=handler_name(tool.name),
        class_prefix=prefix,
        input_model=f"{prefix}Input",
        output_model=f"{prefix}Output" if output is not None else None,
        tool_json=_json(served),
        input_schema_json=_json(served["inputSchema"]),
        output_schema_json=_json(output) if output is not None else None,
        description=tool.description or "",
        examples=examples,
        check_with_jsonschema=loose,
        synthesised_examples=synthesised,
        params=input_params(models.model_class(f"{prefix}Input")),
        timeout=tool.timeout,  # pydantic makes 30 a float: 30.0
    )


def _examples(tool: Tool, served: dict[str, Any]) -> tuple[tuple[ExampleIR, ...], bool]:
    """The spec's examples, else one made up from the schemas (and whether it was)."""
    has_output = "outputSchema" in served
    out = []
    for example in tool.examples:
        result = example.result
        if "result" not in example.model_fields_set:
            result = _synth_result(served) if has_output else "ok"
        expected = None if result is None and has_output else _json(result)
        given = "result" in example.model_fields_set
        out.append(ExampleIR(_json(example.arguments), expected, given))
    if out:
        return tuple(out), False
    found, arguments = synthesise(served["inputSchema"])
    if not found:
        return (), True
    result = _synth_result(served) if has_output else "ok"
    expected = None if result is None else _json(result)
    return (ExampleIR(_json(arguments), expected, False),), True


def _synth_result(served: dict[str, Any]) -> Any:
    found, value = synthesise(served["outputSchema"])
    return value if found else None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def oauth_json(spec: Spec) -> str | None:
    """The generated `OAUTH` table: the spec's OAuth keys and each tool's scopes."""
    auth = spec.auth
    if auth is None or auth.issuer is None:
        return None
    table: dict[str, object] = {"issuer": auth.issuer, "resource": auth.resource}
    if auth.jwksUri is not None:
        table["jwksUri"] = auth.jwksUri
    if auth.algorithms is not None:
        table["algorithms"] = auth.algorithms
    if auth.requiredScopes:
        table["requiredScopes"] = auth.requiredScopes
    if auth.introspection is not None:
        table["introspection"] = auth.introspection.model_dump(exclude_none=True)
    scoped = {
        "toolScopes": {t.name: t.scopes for t in spec.tools if t.scopes},
        "promptScopes": {p.name: p.scopes for p in spec.prompts if p.scopes},
        # Every static URI once a read needs scopes: it wins over a template.
        "resourceScopes": {r.uri: r.scopes or [] for r in spec.resources},
        "templateScopes": {
            t.uriTemplate: t.scopes for t in spec.resourceTemplates if t.scopes
        },
    }
    if not any(scoped["resourceScopes"].values()) and not scoped["templateScopes"]:
        scoped["resourceScopes"] = {}
    table.update({key: value for key, value in scoped.items() if value})
    return json.dumps(table, indent=4)
