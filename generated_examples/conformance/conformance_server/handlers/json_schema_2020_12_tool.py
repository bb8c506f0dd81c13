"""Handler of the tool 'json_schema_2020_12_tool'.

This file is yours: mcpmint writes it once and never overwrites it.

Tool with JSON Schema 2020-12 features
"""

from __future__ import annotations

import json

from ..models import JsonSchema202012ToolInput
from ..runtime import ToolContext


async def json_schema_2020_12_tool(
    args: JsonSchema202012ToolInput, ctx: ToolContext
) -> str:
    """Tool with JSON Schema 2020-12 features (scenario json-schema-2020-12, which
    checks that tools/list keeps `$schema`, `$defs` and `additionalProperties`, and
    in 2026-07-28 `allOf`/`anyOf`, `if`/`then`/`else` and `$anchor` too)."""
    received = args.model_dump(mode="json", by_alias=True, exclude_unset=True)
    # Sorted: the model is a union of two shapes whose fields come in other orders.
    return f"Received: {json.dumps(received, sort_keys=True)}"
