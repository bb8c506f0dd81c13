"""Handler of the tool 'test_sampling'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks the client's LLM to answer the prompt (sampling/createMessage) and returns
its reply (scenario tools-call-sampling).
"""

from __future__ import annotations

import warnings

import mcp_types as types
from mcp.shared.exceptions import MCPDeprecationWarning

from ..models import TestSamplingInput
from ..runtime import ToolContext, ToolResult

# Sampling is deprecated from protocol 2026-07-28 on; this tool exercises it on
# the 2025 versions the conformance suite speaks.
warnings.filterwarnings(
    "ignore", category=MCPDeprecationWarning, module=__name__.replace(".", r"\.")
)

SAMPLING = types.ClientCapabilities(sampling=types.SamplingCapability())


async def test_sampling(
    args: TestSamplingInput, ctx: ToolContext
) -> str | ToolResult[None]:
    """Asks the client's LLM to answer the prompt (sampling/createMessage) and
    returns its reply (scenario tools-call-sampling)."""
    session = ctx.sdk.session
    if not session.check_client_capability(SAMPLING):
        text = types.TextContent(
            type="text", text="The client does not support sampling"
        )
        return ToolResult(content=[text], is_error=True)
    prompt = types.TextContent(type="text", text=args.prompt)
    # A server->client request tied to this call: on Streamable HTTP it travels
    # on the call's own event stream (stateful mode without --json-response).
    result = await session.create_message(
        [types.SamplingMessage(role="user", content=prompt)],
        max_tokens=100,
        related_request_id=ctx.request_id,
    )
    reply = getattr(result.content, "text", None)
    return f"LLM response: {reply if reply is not None else result.content}"
