"""Handler of the tool 'test_multiple_content_types'.

This file is yours: mcpmint writes it once and never overwrites it.

Returns text, an image and an embedded JSON resource in one result (scenario
tools-call-mixed-content).
"""

from __future__ import annotations

import json

import mcp_types as types

from ..models import TestMultipleContentTypesInput
from ..runtime import ToolContext, ToolResult
from .test_image_content import red_pixel


async def test_multiple_content_types(
    args: TestMultipleContentTypesInput, ctx: ToolContext
) -> ToolResult[None]:
    """Returns text, an image and an embedded JSON resource in one result (scenario
    tools-call-mixed-content)."""
    resource = types.TextResourceContents(
        uri="test://mixed-content-resource",
        mime_type="application/json",
        text=json.dumps({"test": "data", "value": 123}, separators=(",", ":")),
    )
    return ToolResult(
        content=[
            types.TextContent(type="text", text="Multiple content types test:"),
            red_pixel(),
            types.EmbeddedResource(type="resource", resource=resource),
        ]
    )
