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
    requests: Sequence[ModelRequest], defs: Mapping[str, Any]
) -> ModelsSource:
    """Render one module with a model per request and the shared `$defs` they reach."""
    names = [r.class_name for r in requests]
    for name in names:
        if not name.isidentifier() or name in RESERVED or name.startswith("_"):
            raise ValueError(f"{name!r} cannot name a generated model class")
    if len(set(names)) != len(names):
        raise ValueError("request class names must be unique")
    lowering = Lowering(requests, defs)
    plan = hoisted_plan(lowering.lowered_units(), lowering.names)
    finished = finished_module(plan, generated_module(plan))
    return ModelsSource(finished.source, lowering.unfaithful(), finished.classes)
