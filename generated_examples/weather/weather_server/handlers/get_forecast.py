"""Handler of the tool 'get_forecast'.

This file is yours: mcpmint writes it once and never overwrites it.

Daily forecast for a city.
"""

from __future__ import annotations

import datetime
import zlib

from ..models import Day, GetForecastInput, GetForecastOutput
from ..runtime import ToolContext

# A demo without a weather service: temperatures derived from the city's name, stable
# across runs, so the README's command prints the same forecast every time.
_SUMMARIES = ("Sunny", "Cloudy", "Showers", "Windy", "Fog")


async def get_forecast(args: GetForecastInput, ctx: ToolContext) -> GetForecastOutput:
    """Daily forecast for a city."""
    seed = zlib.crc32(args.city.encode("utf-8"))
    start = datetime.date(2026, 11, 24)
    imperial = args.units == "imperial"
    days = []
    for i in range(args.days):
        await ctx.report_progress(i + 1, args.days, f"day {i + 1}")
        high = 8 + (seed >> i) % 10
        low = high - 3 - (seed >> (i + 4)) % 4
        days.append(
            Day(
                date=(start + datetime.timedelta(days=i)).isoformat(),
                high=round(high * 9 / 5 + 32, 1) if imperial else float(high),
                low=round(low * 9 / 5 + 32, 1) if imperial else float(low),
                summary=_SUMMARIES[(seed >> i) % len(_SUMMARIES)],
            )
        )
    if imperial:
        return GetForecastOutput(city=args.city, units="imperial", days=days)
    return GetForecastOutput(city=args.city, days=days)
