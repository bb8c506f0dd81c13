"""Handler of the tool 'test_image_content'.

This file is yours: mcpmint writes it once and never overwrites it.

Returns a 1x1 red PNG as image content (scenario tools-call-image).
"""

from __future__ import annotations

import base64
import struct
import zlib

import mcp_types as types

from ..models import TestImageContentInput
from ..runtime import ToolContext, ToolResult


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _red_pixel_png() -> bytes:
    """A valid 1x1 PNG, one opaque red RGB pixel."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte, then R G B
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


RED_PIXEL_PNG = base64.b64encode(_red_pixel_png()).decode("ascii")


def red_pixel() -> types.ImageContent:
    """The image block this tool and test_multiple_content_types return."""
    return types.ImageContent(type="image", data=RED_PIXEL_PNG, mime_type="image/png")


async def test_image_content(
    args: TestImageContentInput, ctx: ToolContext
) -> ToolResult[None]:
    """Returns a 1x1 red PNG as image content (scenario tools-call-image)."""
    return ToolResult(content=[red_pixel()])
