"""Lower a validated spec to the IR: every name, order and default is decided here."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from .ir import ExampleIR, ProjectIR, ServerIR, ToolIR
from .load import LoadedSpec
from .models import ModelRequest, cached_render_models
from .naming import handler_name, package_name, pascal
from .schemas import bundle
from .signatures import annotation_imports, input_params
from .spec import Spec
from .synth import synthesise

# Key order of a served Tool object: the order of the MCP schema, whatever order the spec used.
_TOOL_KEYS = ("name", "title", "description", "inputSchema", "outputSchema", "annotations", "icons", "execution", "_meta")


def relative_spec_path(spec_path: Path, out: Path) -> str:
    """The spec as seen from the output directory, with forward slashes."""
    try:
        rel = os.path.relpath(spec_path.resolve(), out.resolve())
    except ValueError:  # another drive
        rel = spec_path.name
    return Path(rel).as_posix()


def to_ir(loaded: LoadedSpec, out: Path) -> ProjectIR:
    """The IR of a spec that passed validation."""
    spec = Spec.model_validate(loaded.data)
    data: dict[str, Any] = loaded.data
    spec_defs: dict[str, Any] = data.get("$defs", {})
    raw_tools: list[dict[str, Any]] = data["tools"]
    requests = []
    for raw in raw_tools:
        prefix = pascal(raw["name"])
        requests.append(ModelRequest(f"{prefix}Input", raw["inputSchema"], raw["name"], "inputSchema"))
        if "outputSchema" in raw:
            requests.append(ModelRequest(f"{prefix}Output", raw["outputSchema"], raw["name"], "outputSchema"))
    models = cached_render_models(requests, spec_defs)
    loose = {u.tool for u in models.unfaithful}
    tools = tuple(
        replace(
            _tool(raw, tool_spec.examples, spec_defs, raw["name"] in loose),
            params=input_params(models.model_class(f"{pascal(raw['name'])}Input")),
            timeout=tool_spec.timeout,  # pydantic makes 30 a float: 30.0
        )
        for raw, tool_spec in zip(raw_tools, spec.tools, strict=True)
    )
    spec_rel = relative_spec_path(loaded.path, out)
    server = ServerIR(
        name=spec.server.name,
        version=spec.server.version,
        title=spec.server.title,
        description=spec.server.description,
        instructions=spec.server.instructions,
        website_url=spec.server.websiteUrl,
        package=spec.server.package or package_name(spec.server.name),
        tool_timeout=spec.server.toolTimeout,
    )
    warnings = tuple(f"{u.tool}: {u.pointer}: {u.reason}; this tool is also checked with its JSON Schema" for u in models.unfaithful)
    return ProjectIR(
        spec_path=spec_rel,
        regenerate=f"mcpmint generate {spec_rel} -o .",
        server=server,
        transports=tuple(t for t in ("stdio", "http", "sse", "websocket") if t in spec.transports),
        token_env=spec.auth.tokenEnv if spec.auth else None,
        tools=tools,
        models_source=models.source,
        warnings=warnings,
        client_imports=annotation_imports(models.model_class(t.input_model) for t in tools),
    )


def _tool(raw: dict[str, Any], examples: Any, spec_defs: dict[str, Any], loose: bool) -> ToolIR:
    prefix = pascal(raw["name"])
    served = {key: raw[key] for key in _TOOL_KEYS if key in raw}
    served["inputSchema"] = bundle(raw["inputSchema"], spec_defs)
    if "outputSchema" in raw:
        served["outputSchema"] = bundle(raw["outputSchema"], spec_defs)
    example_irs, synthesised = _examples(raw, examples, served)
    return ToolIR(
        wire_name=raw["name"],
        func_name=handler_name(raw["name"]),
        class_prefix=prefix,
        input_model=f"{prefix}Input",
        output_model=f"{prefix}Output" if "outputSchema" in raw else None,
        tool_json=_json(served),
        input_schema_json=_json(served["inputSchema"]),
        output_schema_json=_json(served["outputSchema"]) if "outputSchema" in served else None,
        description=raw.get("description") or "",
        examples=example_irs,
        check_with_jsonschema=loose,
        synthesised_examples=synthesised,
    )


def _examples(raw: dict[str, Any], examples: Any, served: dict[str, Any]) -> tuple[tuple[ExampleIR, ...], bool]:
    has_output = "outputSchema" in served
    out = []
    for example in raw.get("examples", []):
        result = example.get("result")
        if "result" not in example:
            result = _synth_result(served) if has_output else "ok"
        out.append(ExampleIR(_json(example.get("arguments", {})), None if result is None and has_output else _json(result)))
    if out:
        return tuple(out), False
    found, arguments = synthesise(served["inputSchema"])
    if not found:
        return (), True
    result = _synth_result(served) if has_output else "ok"
    return (ExampleIR(_json(arguments), None if result is None else _json(result)),), True


def _synth_result(served: dict[str, Any]) -> Any:
    found, value = synthesise(served["outputSchema"])
    return value if found else None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
