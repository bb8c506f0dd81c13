"""JSON Schema → Pydantic v2 source, through datamodel-code-generator, in four phases.

`render_models` turns the tools' input/output schemas (JSON Schema 2020-12) and the
spec's shared `$defs` into one module of Pydantic models that accept exactly the
instances `jsonschema.Draft202012Validator` accepts (formats are annotations):

1. lowering (lowering.py, families.py, merging.py): every schema in a subset that
   datamodel-code-generator types faithfully, with runtime checks for the rest;
2. hoisting (hoisting.py): every object class and checked type named by us;
3. one datamodel-code-generator call for the whole spec (dmcg.py);
4. finishing (finishing.py, on the AST): final names, exact JSON types, the checks,
   the helpers of helpers.py, ruff-clean imports; and the request classes' fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .data import ModelRequest, ModelsSource
from .dmcg import generated_module
from .finishing import finished_module
from .hoisting import hoisted_plan
from .lowering import Lowering
from .names import RESERVED


def render_models(
    requests: Sequence[ModelRequest],
    defs: Mapping[str, Any],
    *,
    every_def: bool = False,
    imported: Mapping[str, tuple[str, str]] | None = None,
) -> ModelsSource:
    """Render one module with a model per request and the shared `$defs` they reach.

    `every_def`: a model for every `$defs` entry too, reached or not (a shared schema
    package), each named after its key. `imported`: `$defs` key -> (module, class) of
    definitions another package defines: the module imports them (under the name it
    would have given them) instead of defining them."""
    names = [r.class_name for r in requests]
    for name in names:
        if not name.isidentifier() or name in RESERVED or name.startswith("_"):
            raise ValueError(f"{name!r} cannot name a generated model class")
    if len(set(names)) != len(names):
        raise ValueError("request class names must be unique")
    lowering = Lowering(requests, defs)
    plan = hoisted_plan(lowering.lowered_units(every_def), lowering.names)
    local = {lowering.def_names[k]: v for k, v in (imported or {}).items()}
    roots = set(lowering.def_names.values()) if every_def else set()
    finished = finished_module(plan, generated_module(plan), local, roots)
    return ModelsSource(finished.source, lowering.unfaithful(), finished.classes)
