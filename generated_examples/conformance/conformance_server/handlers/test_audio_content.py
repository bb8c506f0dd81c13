"""Handler of the tool 'test_audio_content'.

This file is yours: mcpmint writes it once and never overwrites it.

Returns a short silent WAV as audio content (scenario tools-call-audio).
"""

from __future__ import annotations

from ..models import TestAudioContentInput
from ..runtime import ToolContext


async def test_audio_content(args: TestAudioContentInput, ctx: ToolContext) -> str:
    """Returns a short silent WAV as audio content (scenario tools-call-audio)."""
    raise NotImplementedError
