"""Handler of the tool 'test_elicitation'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks the user for a username and an email address (elicitation/create) and
returns the answer (scenario tools-call-elicitation).
"""

from __future__ import annotations

import json

import mcp_types as types

from ..models import TestElicitationInput
from ..runtime import ToolContext, ToolResult

ELICITATION = types.ClientCapabilities(elicitation=types.ElicitationCapability())

SCHEMA: types.ElicitRequestedSchema = {
    "type": "object",
    "properties": {
        "username": {"type": "string", "description": "User's response"},
        "email": {"type": "string", "description": "User's email address"},
    },
    "required": ["username", "email"],
}


def describe(result: types.ElicitResult) -> str:
    """`action=..., content=...`: how the elicitation tools report an answer."""
    return f"action={result.action}, content={json.dumps(result.content)}"


def unsupported(ctx: ToolContext) -> ToolResult[None] | None:
    """A tool error when the client cannot answer elicitation requests."""
    if ctx.sdk.session.check_client_capability(ELICITATION):
        return None
    text = "The client does not support elicitation"
    return ToolResult(
        content=[types.TextContent(type="text", text=text)], is_error=True
    )


async def test_elicitation(
    args: TestElicitationInput, ctx: ToolContext
) -> str | ToolResult[None]:
    """Asks the user for a username and an email address (elicitation/create) and
    returns the answer (scenario tools-call-elicitation)."""
    refusal = unsupported(ctx)
    if refusal is not None:
        return refusal
    result = await ctx.sdk.session.elicit_form(
        args.message, SCHEMA, related_request_id=ctx.request_id
    )
    return f"User response: {describe(result)}"
