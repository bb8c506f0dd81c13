"""Keyword parameters of the typed client, from the request classes' fields.

The client's `get_forecast(*, city, days=...)` repeats each input field's annotation as
the models module writes it, so mypy checks callers exactly as it checks the models.
The models stage reports those fields (`ModelClass`); nothing here parses source.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping

from mcpmint.codegen.ir import ParamIR
from mcpmint.models import ModelClass, from_imports

# Names the client module defines itself; a field with one of these names gets a suffix.
_TAKEN = frozenset({"self", "models", "meta", "timeout"})


def input_params(model: ModelClass) -> tuple[ParamIR, ...]:
    """The fields of an input class as keyword parameters, required ones first."""
    params = []
    for field in model.fields:
        arg = f"{field.attribute}_" if field.attribute in _TAKEN else field.attribute
        annotation = field.annotation
        if not field.required and "MISSING" not in annotation:
            annotation += " | MISSING"  # omitted arguments stay omitted on the wire
        params.append(ParamIR(arg, field.attribute, annotation, field.required))
    return tuple(sorted(params, key=lambda p: not p.required))


# Names the client template uses itself, by module.
_CLIENT_NEEDS = {
    "collections.abc": {"AsyncIterator", "Mapping"},
    "contextlib": {"asynccontextmanager"},
    "typing": {"Any", "TypeVar"},
    "mcp": {"Client"},
    "mcp.shared.exceptions": {"MCPError"},
    "mcpmint_runtime.connection": {"ClientError"},
    "mcpmint_runtime.token_source": {"TokenSource"},
    "pydantic": {"MISSING", "BaseModel", "ValidationError"},
}


def annotation_imports(
    models: Iterable[ModelClass], extra: Mapping[str, Iterable[str]] | None = None
) -> tuple[str, ...]:
    """The client's import block: its own names, `extra` (module -> names) and every
    name the annotations use.

    Sections as isort orders them (standard library, third party, the package), so the
    block is ruff-clean as rendered.
    """
    by_module: dict[str, set[tuple[str, str]]] = {
        m: {(n, n) for n in names} for m, names in _CLIENT_NEEDS.items()
    }
    ours = {name: module for module, names in _CLIENT_NEEDS.items() for name in names}
    for module, wanted in (extra or {}).items():
        by_module.setdefault(module, set()).update((n, n) for n in wanted)
    for model in models:
        for used in model.names:
            # MISSING_aliased is pydantic's MISSING, renamed: a field is called MISSING.
            module = used.module or ours.get(used.name) or ".models"
            by_module.setdefault(module, set()).add((used.imported, used.name))
    sections: list[list[str]] = [
        ["import os", "import shlex", "import ssl"],
        [],
        ["from . import models"],
    ]
    for module, pairs in sorted(by_module.items()):
        top = module.split(".")[0]
        index = (
            2 if module.startswith(".") else 0 if top in sys.stdlib_module_names else 1
        )
        sections[index] += from_imports(
            module, ((real, None if real == local else local) for real, local in pairs)
        )
    return tuple(line for section in sections for line in [*section, ""])[:-1]
