"""Handler of the tool 'test_embedded_resource'.

This file is yours: mcpmint writes it once and never overwrites it.

Returns an embedded text resource (scenario tools-call-embedded-resource).
"""

from __future__ import annotations

import mcp_types as types

from ..models import TestEmbeddedResourceInput
from ..runtime import ToolContext, ToolResult


async def test_embedded_resource(
    args: TestEmbeddedResourceInput, ctx: ToolContext
) -> ToolResult[None]:
    """Returns an embedded text resource (scenario tools-call-embedded-resource)."""
    contents = types.TextResourceContents(
        uri="test://embedded-resource",
        mime_type="text/plain",
        text="This is an embedded resource content.",
    )
    return ToolResult(
        content=[types.EmbeddedResource(type="resource", resource=contents)]
    )
