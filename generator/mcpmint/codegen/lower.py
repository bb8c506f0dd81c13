"""Lower a validated spec to the IR: every name, order and default is decided here."""

from __future__ import annotations

import ast
import json
import os
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from mcpmint.codegen.ir import ExampleIR, ProjectIR, ServerIR, ToolIR
from mcpmint.spec.load import LoadedSpec
from mcpmint.models import ModelRequest, ModelsSource, Unfaithful, render_models
from mcpmint.spec.naming import handler_name, package_name, pascal
from mcpmint.schema.walk import bundle
from mcpmint.codegen.signatures import annotation_imports, input_params
from mcpmint.spec.format import Spec
from mcpmint.spec.vocabulary import TOOL_KEYS, TRANSPORTS
from mcpmint.schema.synth import synthesise



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
    models = _cached_models(requests, spec_defs)
    loose = {u.tool for u in models.unfaithful}
    tree = ast.parse(models.source)
    tools = tuple(
        replace(
            _tool(raw, tool_spec.examples, spec_defs, raw["name"] in loose),
            params=input_params(tree, models.source, f"{pascal(raw['name'])}Input"),
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
        transports=tuple(t for t in TRANSPORTS if t in spec.transports),
        token_env=spec.auth.tokenEnv if spec.auth else None,
        tools=tools,
        models_source=models.source,
        warnings=warnings,
        client_imports=annotation_imports(tree, (p for t in tools for p in t.params)),
    )


def _cached_models(requests: list[ModelRequest], spec_defs: dict[str, Any]) -> ModelsSource:
    """render_models, from the disk cache when the same schemas were rendered before."""
    import datamodel_code_generator

    from mcpmint.output import cache

    from mcpmint import models

    inputs = [[r.class_name, r.schema, r.tool, r.where] for r in requests]
    entry = cache.key(
        json.dumps([inputs, spec_defs], sort_keys=True).encode(),
        datamodel_code_generator.get_version().encode(),
        Path(models.__file__).read_bytes(),
    )
    cached = cache.read("models", entry)
    if cached is not None:
        data = json.loads(cached)
        unfaithful = tuple(Unfaithful(**u) for u in data["unfaithful"])
        return ModelsSource(data["source"], unfaithful)
    result = render_models(requests, spec_defs)
    unfaithful_data = [asdict(u) for u in result.unfaithful]
    cache.write("models", entry, json.dumps({"source": result.source, "unfaithful": unfaithful_data}))
    return result


def _tool(raw: dict[str, Any], examples: Any, spec_defs: dict[str, Any], loose: bool) -> ToolIR:
    prefix = pascal(raw["name"])
    served = {key: raw[key] for key in TOOL_KEYS if key in raw}
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
