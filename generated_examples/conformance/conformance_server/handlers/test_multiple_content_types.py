"""Handler of the tool 'test_multiple_content_types'.

This file is yours: mcpmint writes it once and never overwrites it.

Returns text, an image and an embedded JSON resource in one result (scenario
tools-call-mixed-content).
"""

from __future__ import annotations

from ..models import TestMultipleContentTypesInput
from ..runtime import ToolContext


async def test_multiple_content_types(
    args: TestMultipleContentTypesInput, ctx: ToolContext
) -> str:
    """Returns text, an image and an embedded JSON resource in one result (scenario
    tools-call-mixed-content)."""
    raise NotImplementedError
