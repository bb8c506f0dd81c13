"""Handler of the tool 'test_image_content'.

This file is yours: mcpmint writes it once and never overwrites it.

Returns a 1x1 red PNG as image content (scenario tools-call-image).
"""

from __future__ import annotations

from ..models import TestImageContentInput
from ..runtime import ToolContext


async def test_image_content(args: TestImageContentInput, ctx: ToolContext) -> str:
    """Returns a 1x1 red PNG as image content (scenario tools-call-image)."""
    raise NotImplementedError
