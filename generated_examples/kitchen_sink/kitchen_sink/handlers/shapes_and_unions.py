"""Handler of the tool 'shapes-and-unions'.

This file is yours: mcpmint writes it once and never overwrites it.

oneOf, anyOf, allOf, nested objects, arrays and tuples
"""

from __future__ import annotations

import math
from typing import Any

from ..models import ShapesAndUnionsInput, ShapesAndUnionsOutput
from ..runtime import ToolContext


async def shapes_and_unions(
    args: ShapesAndUnionsInput, ctx: ToolContext
) -> ShapesAndUnionsOutput:
    """oneOf, anyOf, allOf, nested objects, arrays and tuples"""
    given = args.model_dump(mode="json", by_alias=True, exclude_unset=True)
    shape = given["shape"]
    if shape["kind"] == "circle":
        area = round(math.pi * shape["radius"] ** 2, 2)
    else:
        area = shape["side"] ** 2
    answer: dict[str, Any] = {"area": area}
    if "tags" in given:  # the tags as a tree: a root, a child per tag but the first
        answer["tree"] = {
            "value": 1,
            "children": [
                {"value": n, "children": []} for n in range(2, len(given["tags"]) + 1)
            ],
        }
    return ShapesAndUnionsOutput.model_validate(answer)
