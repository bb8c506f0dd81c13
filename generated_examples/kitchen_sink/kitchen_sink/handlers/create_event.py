"""Handler of the tool 'create_event'.

This file is yours: mcpmint writes it once and never overwrites it.

Create a calendar event.
"""

from __future__ import annotations

from ..models import CreateEventInput, CreateEventOutput
from ..runtime import ToolContext


async def create_event(args: CreateEventInput, ctx: ToolContext) -> CreateEventOutput:
    """Create a calendar event."""
    raise NotImplementedError
