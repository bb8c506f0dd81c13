"""Handler of the benchmark's `echo` tool (copied into the generated project)."""

from __future__ import annotations

from ..models import EchoInput
from ..runtime import ToolContext


async def echo(args: EchoInput, ctx: ToolContext) -> str:
    """Return the text unchanged."""
    return args.text
