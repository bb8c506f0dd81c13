"""Handler of the tool 'scalars.check'.

This file is yours: mcpmint writes it once and never overwrites it.

Numbers and strings under every constraint. {{ braces }} {% tags %} \"\"\" end
"""

from __future__ import annotations

from ..models import ScalarsCheckInput, ScalarsCheckOutput
from ..runtime import ToolContext


async def scalars_check(
    args: ScalarsCheckInput, ctx: ToolContext
) -> ScalarsCheckOutput:
    """Numbers and strings under every constraint. {{ braces }} {% tags %} \"\"\"
    end"""
    # Echoes the count: the one argument every call has a number for.
    return ScalarsCheckOutput.model_validate({"echo": {"count": args.count}})
