"""Lower the spec's prompts: the arguments models to request, the IR, and the data
the server loads (prompts.json: served Prompt objects, message templates already
split into parts, bundled files as base64)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from mcpmint.codegen.ir import PromptIR
from mcpmint.codegen.signatures import input_params
from mcpmint.models import AnnotationName, ModelClass, ModelRequest, ModelsSource
from mcpmint.schema.synth import synthesise
from mcpmint.spec.format import Prompt, PromptArgument, PromptContent, Spec
from mcpmint.spec.placeholders import as_json, parse
from mcpmint.spec.prompt_rules import (
    TEMPLATED,
    bundled_file,
    guess_mime,
    prompt_python_names,
)


def prompt_model_requests(spec: Spec) -> list[ModelRequest]:
    """One arguments model per prompt: an object of its arguments' schemas."""
    return [
        ModelRequest(
            _names(p)[2] + "Arguments",
            arguments_schema(p),
            f"prompt:{p.name}",
            "arguments",
        )
        for p in spec.prompts
    ]


def arguments_schema(prompt: Prompt) -> dict[str, Any]:
    """The JSON Schema of a prompt's typed arguments (closed: unknown ones are
    refused)."""
    properties = {}
    for argument in prompt.arguments:
        own = dict(argument.schema_ or {"type": "string"})
        if argument.description and "description" not in own:
            own["description"] = argument.description
        properties[argument.name] = own
    required = [a.name for a in prompt.arguments if a.required]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _names(prompt: Prompt) -> tuple[str, str, str]:
    return prompt_python_names(prompt.name)


def to_prompts_ir(
    spec: Spec, models: ModelsSource, spec_path: Path
) -> tuple[PromptIR, ...]:
    """The IR of every prompt, in the spec's order."""
    return tuple(_prompt(p, models, spec_path) for p in spec.prompts)


def _prompt(prompt: Prompt, models: ModelsSource, spec_path: Path) -> PromptIR:
    func, complete, prefix = _names(prompt)
    by_handler = tuple(
        a.name for a in prompt.arguments if a.complete and a.complete.handler
    )
    completed = tuple(a.name for a in prompt.arguments if _candidates(a) is not None)
    return PromptIR(
        wire_name=prompt.name,
        func_name=func,
        complete_func=complete,
        class_prefix=prefix,
        arguments_model=f"{prefix}Arguments",
        description=prompt.description or "",
        handler=prompt.handler,
        complete_handler=by_handler,
        completed=completed,
        params=input_params(models.model_class(f"{prefix}Arguments")),
        data_json=_json(_data(prompt, spec_path)),
        test_arguments=_test_arguments(prompt),
    )


def _test_arguments(prompt: Prompt) -> tuple[tuple[str, str], ...] | None:
    """Arguments the generated test gets the prompt with: every required one, made
    up from its schema, as the wire's strings."""
    found, value = synthesise(arguments_schema(prompt))
    if not found or not isinstance(value, dict):
        return None
    return tuple(
        (k, v if isinstance(v, str) else json.dumps(v)) for k, v in value.items()
    )


def _candidates(argument: PromptArgument) -> list[str] | str | None:
    """An argument's fixed candidates, "handler", or None when it has none."""
    if argument.complete is not None:
        return "handler" if argument.complete.handler else argument.complete.values
    enum = (argument.schema_ or {}).get("enum")
    if isinstance(enum, list):
        return [v if isinstance(v, str) else json.dumps(v) for v in enum]
    return None


def _data(prompt: Prompt, spec_path: Path) -> dict[str, Any]:
    served: dict[str, Any] = {"name": prompt.name}
    if prompt.title is not None:
        served["title"] = prompt.title
    if prompt.description is not None:
        served["description"] = prompt.description
    if prompt.arguments:
        served["arguments"] = [_served_argument(a) for a in prompt.arguments]
    if prompt.icons is not None:
        served["icons"] = [i.model_dump(exclude_none=True) for i in prompt.icons]
    if prompt.meta is not None:
        served["_meta"] = prompt.meta
    func, complete, prefix = _names(prompt)
    # Python names the server looks up: the arguments model and the handlers.
    data: dict[str, Any] = {"prompt": served, "model": f"{prefix}Arguments"}
    if prompt.handler:
        data["handler"] = func
    if any(a.complete and a.complete.handler for a in prompt.arguments):
        data["completer"] = complete
    kinds = {
        a.name: (a.schema_ or {}).get("type", "string")
        for a in prompt.arguments
        if (a.schema_ or {}).get("type", "string") != "string"
    }
    if kinds:
        data["kinds"] = kinds
    if prompt.messages is not None:
        data["messages"] = [
            {"role": m.role, "content": _content(m.content, spec_path)}
            for m in prompt.messages
        ]
    completions = {
        a.name: c for a in prompt.arguments if (c := _candidates(a)) is not None
    }
    if completions:
        data["complete"] = completions
    return data


def _served_argument(argument: PromptArgument) -> dict[str, Any]:
    served: dict[str, Any] = {"name": argument.name}
    if argument.title is not None:
        served["title"] = argument.title
    if argument.description is not None:
        served["description"] = argument.description
    served["required"] = argument.required
    return served


def _content(content: PromptContent, spec_path: Path) -> dict[str, Any]:
    """A message's content as the wire has it, text and uri as template parts."""
    written = content.model_dump(exclude_none=True)
    kind = written.pop("type")
    for key in TEMPLATED:
        if key in written:
            written[key] = as_json(parse(written[key]))
    file = written.pop("file", None)
    if kind in ("image", "audio"):
        written["data"] = _base64(spec_path, file)
        written.setdefault("mimeType", guess_mime(file or ""))
        return {"type": kind, **written}
    if kind == "resource":
        if file is not None:
            written["blob"] = _base64(spec_path, file)
        return {"type": kind, "resource": written}
    return {"type": kind, **written}


def _base64(spec_path: Path, file: str | None) -> str:
    target = bundled_file(spec_path, file or "")
    assert target is not None  # validation refused files outside the spec's folder
    return base64.b64encode(target.read_bytes()).decode("ascii")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def prompt_client_classes(spec: Spec, models: ModelsSource) -> list[ModelClass]:
    """What the typed client's prompt methods annotate with: the arguments models'
    fields, and `PromptMessage` (nothing without prompts)."""
    if not spec.prompts:
        return []
    message = AnnotationName("PromptMessage", "mcp_types", "PromptMessage")
    return [
        *(models.model_class(_names(p)[2] + "Arguments") for p in spec.prompts),
        ModelClass("(prompts)", (), (message,)),
    ]
