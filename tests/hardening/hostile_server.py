"""The weather example server with handlers that misbehave on request, for the hardening tests.

Run as `python -m hostile_server http|sse|websocket|stdio|serve [options]` with the generated
weather project and this folder on PYTHONPATH. `get_conditions` echoes its city (so a load test
can match every answer to its question); `get_forecast` does what its city says:

- `sleep:SECONDS`  answers after SECONDS; writes `$HARDENING_STATE_DIR/started`
- `hang:TAG`       never answers; writes `hanging-TAG` at once and `cancelled-TAG` when cancelled
- `boom`           raises RuntimeError
- `big:N`          (get_conditions) answers N bytes of text
- anything else    an empty forecast for that city
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import anyio
from mcp.server.lowlevel import Server
from mcpmint_runtime import ToolContext
from weather_server.models import (
    GetConditionsInput,
    GetForecastInput,
    GetForecastOutput,
)
from weather_server.server import TOKEN_ENV, TRANSPORTS, Handlers, build_server


def _mark(name: str) -> None:
    folder = os.environ.get("HARDENING_STATE_DIR")
    if folder:
        Path(folder, name).write_text("1")


async def forecast(args: GetForecastInput, ctx: ToolContext) -> GetForecastOutput:
    """Misbehaves as the city asks."""
    city = args.city
    if city.startswith("sleep:"):
        _mark("started")
        await anyio.sleep(float(city.removeprefix("sleep:")))
    elif city.startswith("hang:"):
        tag = city.removeprefix("hang:")
        _mark(f"hanging-{tag}")
        try:
            await anyio.sleep_forever()
        finally:
            _mark(f"cancelled-{tag}")
    elif city == "boom":
        raise RuntimeError("boom from the handler")
    return GetForecastOutput(city=city, days=[])


async def conditions(args: GetConditionsInput, ctx: ToolContext) -> str:
    """Echoes the city; `big:N` answers N bytes."""
    if args.city.startswith("big:"):
        return "x" * int(args.city.removeprefix("big:"))
    return f"echo:{args.city}"


def hostile_server(**options: Any) -> Server[Any]:
    """The SDK server with the hostile handlers (options: build_server's, e.g.
    tool_timeout, which the command line's --tool-timeout sets)."""
    handlers = Handlers(get_forecast=forecast, get_conditions=conditions)
    return build_server(handlers, **options)


if __name__ == "__main__":
    from mcpmint_runtime.cli import main

    main(
        hostile_server,
        name="hostile_server",
        transports=TRANSPORTS,
        token_env=TOKEN_ENV,
    )
