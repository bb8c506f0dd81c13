"""Handler of the tool 'shapes-and-unions'.

This file is yours: mcpmint writes it once and never overwrites it.

oneOf, anyOf, allOf, nested objects, arrays and tuples
"""

from __future__ import annotations

from ..models import ShapesAndUnionsInput, ShapesAndUnionsOutput
from ..runtime import ToolContext


async def shapes_and_unions(
    args: ShapesAndUnionsInput, ctx: ToolContext
) -> ShapesAndUnionsOutput:
    """oneOf, anyOf, allOf, nested objects, arrays and tuples"""
    raise NotImplementedError
