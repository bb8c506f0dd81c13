"""Handler of the tool 'test_elicitation_sep1330_enums'.

This file is yours: mcpmint writes it once and never overwrites it.

Elicits a form with the five enum shapes: untitled and titled single select,
legacy enumNames, untitled and titled multi select (scenario
elicitation-sep1330-enums).
"""

from __future__ import annotations

import mcp_types as types

from ..models import TestElicitationSep1330EnumsInput
from ..runtime import ToolContext
from .test_elicitation import describe

SCHEMA: types.ElicitRequestedSchema = {
    "type": "object",
    "properties": {
        "untitledSingle": {
            "type": "string",
            "title": "Untitled single select",
            "enum": ["option1", "option2", "option3"],
        },
        "titledSingle": {
            "type": "string",
            "title": "Titled single select",
            "oneOf": [
                {"const": "value1", "title": "First Option"},
                {"const": "value2", "title": "Second Option"},
                {"const": "value3", "title": "Third Option"},
            ],
        },
        "legacyEnum": {
            "type": "string",
            "title": "Legacy titled enum",
            "enum": ["opt1", "opt2", "opt3"],
            "enumNames": ["Option One", "Option Two", "Option Three"],
        },
        "untitledMulti": {
            "type": "array",
            "title": "Untitled multi select",
            "items": {"type": "string", "enum": ["option1", "option2", "option3"]},
        },
        "titledMulti": {
            "type": "array",
            "title": "Titled multi select",
            "items": {
                "anyOf": [
                    {"const": "value1", "title": "First Choice"},
                    {"const": "value2", "title": "Second Choice"},
                    {"const": "value3", "title": "Third Choice"},
                ]
            },
        },
    },
    "required": [],
}


async def test_elicitation_sep1330_enums(
    args: TestElicitationSep1330EnumsInput, ctx: ToolContext
) -> str:
    """Elicits a form with the five enum shapes: untitled and titled single select,
    legacy enumNames, untitled and titled multi select (scenario
    elicitation-sep1330-enums)."""
    # A form in a JSON Schema dict: the answer comes back as Elicited (action,
    # content); a client without elicitation gets error -32021.
    result = await ctx.elicit(
        "Test enum schema variants - please pick some options",
        SCHEMA,
    )
    return f"Elicitation completed: {describe(result)}"
