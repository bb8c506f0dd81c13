"""Handler of the tool 'test_custom_headers'.

This file is yours: mcpmint writes it once and never overwrites it.

Echoes its arguments; region, priority and dryRun travel as headers too.
"""

from __future__ import annotations

from ..context import Context
from ..models import TestCustomHeadersInput


async def test_custom_headers(args: TestCustomHeadersInput, ctx: Context) -> str:
    """Echoes its arguments (scenario http-custom-header-server-validation): over
    Streamable HTTP in 2026-07-28 the SDK has already checked that each mirrored
    parameter's Mcp-Param-* header matches it."""
    given = args.model_dump(exclude_unset=True)
    return (
        f"region={given['region']} priority={given.get('priority')} "
        f"dryRun={given.get('dryRun')}"
    )
