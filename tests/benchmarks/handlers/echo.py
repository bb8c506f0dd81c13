"""Handler of the benchmark's `echo` tool (copied into the generated project)."""

from __future__ import annotations

from mcpmint_runtime import ToolContext

from ..models import EchoInput


async def echo(args: EchoInput, ctx: ToolContext) -> str:
    """Return the text unchanged."""
    return args.text
