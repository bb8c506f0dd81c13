"""Handler of the tool 'create_event'.

This file is yours: mcpmint writes it once and never overwrites it.

Create a calendar event.
"""

from __future__ import annotations

import zlib

from ..models import CreateEventInput, CreateEventOutput
from ..runtime import ToolContext


async def create_event(args: CreateEventInput, ctx: ToolContext) -> CreateEventOutput:
    """Create a calendar event."""
    given = args.model_dump(mode="json", by_alias=True)
    number = zlib.crc32(f"{given['title']} {given['from']}".encode())
    return CreateEventOutput.model_validate(
        {"id": f"evt-{number:08x}", "attendees": given["attendees"]}
    )
