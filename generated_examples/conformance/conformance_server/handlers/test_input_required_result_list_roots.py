"""Handler of the tool 'test_input_required_result_list_roots'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks for the client's roots (key client_roots) and lists them (scenario
input-required-result-basic-list-roots).
"""

from __future__ import annotations

from ..context import Context
from ..models import TestInputRequiredResultListRootsInput


async def test_input_required_result_list_roots(
    args: TestInputRequiredResultListRootsInput, ctx: Context
) -> str:
    """Asks for the client's roots (key client_roots) and lists them (scenario
    input-required-result-basic-list-roots)."""
    roots = await ctx.list_roots(key="client_roots")
    listed = ", ".join(f"{root.uri} ({root.name})" for root in roots)
    return f"Roots: {listed or 'none'}"
