"""Handler of the tool 'get_conditions'.

This file is yours: mcpmint writes it once and never overwrites it.

Current temperature and wind for a city, as text.
"""

from __future__ import annotations

import zlib

from ..models import GetConditionsInput
from ..runtime import ToolContext


async def get_conditions(args: GetConditionsInput, ctx: ToolContext) -> str:
    """Current temperature and wind for a city, as text."""
    seed = zlib.crc32(args.city.encode("utf-8"))
    return f"{args.city}: {5 + seed % 20} °C, wind {seed % 30} km/h"
