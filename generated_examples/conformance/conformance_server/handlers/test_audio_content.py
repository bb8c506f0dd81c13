"""Handler of the tool 'test_audio_content'.

This file is yours: mcpmint writes it once and never overwrites it.

Returns a short silent WAV as audio content (scenario tools-call-audio).
"""

from __future__ import annotations

import base64
import io
import wave

import mcp_types as types

from ..models import TestAudioContentInput
from ..runtime import ToolContext, ToolResult

_RATE = 8000  # samples per second


def _silence_wav(milliseconds: int) -> bytes:
    """A valid mono 8 kHz 16-bit PCM WAV file of silence."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(_RATE)
        wav.writeframes(b"\x00\x00" * (_RATE * milliseconds // 1000))
    return buffer.getvalue()


SILENCE_WAV = base64.b64encode(_silence_wav(10)).decode("ascii")


async def test_audio_content(
    args: TestAudioContentInput, ctx: ToolContext
) -> ToolResult[None]:
    """Returns a short silent WAV as audio content (scenario tools-call-audio)."""
    audio = types.AudioContent(type="audio", data=SILENCE_WAV, mime_type="audio/wav")
    return ToolResult(content=[audio])
