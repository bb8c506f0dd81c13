"""Handler of the tool 'test_embedded_resource'.

This file is yours: mcpmint writes it once and never overwrites it.

Returns an embedded text resource (scenario tools-call-embedded-resource).
"""

from __future__ import annotations

from ..models import TestEmbeddedResourceInput
from ..runtime import ToolContext


async def test_embedded_resource(
    args: TestEmbeddedResourceInput, ctx: ToolContext
) -> str:
    """Returns an embedded text resource (scenario tools-call-embedded-resource)."""
    raise NotImplementedError
