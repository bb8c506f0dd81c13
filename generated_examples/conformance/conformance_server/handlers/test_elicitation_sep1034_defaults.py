"""Handler of the tool 'test_elicitation_sep1034_defaults'.

This file is yours: mcpmint writes it once and never overwrites it.

Elicits a form whose string, integer, number, enum and boolean fields all carry
defaults (scenario elicitation-sep1034-defaults).
"""

from __future__ import annotations

import mcp_types as types

from ..models import TestElicitationSep1034DefaultsInput
from ..runtime import ToolContext
from .test_elicitation import describe

SCHEMA: types.ElicitRequestedSchema = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "User name", "default": "John Doe"},
        "age": {"type": "integer", "description": "User age", "default": 30},
        "score": {"type": "number", "description": "User score", "default": 95.5},
        "status": {
            "type": "string",
            "description": "User status",
            "enum": ["active", "inactive", "pending"],
            "default": "active",
        },
        "verified": {
            "type": "boolean",
            "description": "Verification status",
            "default": True,
        },
    },
    "required": [],
}


async def test_elicitation_sep1034_defaults(
    args: TestElicitationSep1034DefaultsInput, ctx: ToolContext
) -> str:
    """Elicits a form whose string, integer, number, enum and boolean fields all
    carry defaults (scenario elicitation-sep1034-defaults)."""
    # A form in a JSON Schema dict: the answer comes back as Elicited (action,
    # content); a client without elicitation gets error -32021.
    result = await ctx.elicit(
        "Test client default value handling - please accept with defaults",
        SCHEMA,
    )
    return f"Elicitation completed: {describe(result)}"
