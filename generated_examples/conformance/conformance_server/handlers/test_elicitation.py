"""Handler of the tool 'test_elicitation'.

This file is yours: mcpmint writes it once and never overwrites it.

Asks the user for a username and an email address (elicitation/create) and
returns the answer (scenario tools-call-elicitation).
"""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types
from mcpmint_runtime import Elicited

from ..models import TestElicitationInput
from ..runtime import ToolContext

SCHEMA: types.ElicitRequestedSchema = {
    "type": "object",
    "properties": {
        "username": {"type": "string", "description": "User's response"},
        "email": {"type": "string", "description": "User's email address"},
    },
    "required": ["username", "email"],
}


def describe(result: Elicited[Any]) -> str:
    """`action=..., content=...`: how the elicitation tools report an answer."""
    return f"action={result.action}, content={json.dumps(result.content)}"


async def test_elicitation(args: TestElicitationInput, ctx: ToolContext) -> str:
    """Asks the user for a username and an email address (elicitation/create) and
    returns the answer (scenario tools-call-elicitation)."""
    # elicitation/create now (2026-07-28: an input_required result); a client
    # without elicitation gets error -32021.
    result = await ctx.elicit(args.message, SCHEMA)
    return f"User response: {describe(result)}"
