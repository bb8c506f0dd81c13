"""Handler of the tool 'keyword_names'.

This file is yours: mcpmint writes it once and never overwrites it.

Property names that are Python keywords, builtins, pydantic-reserved or not
identifiers.
"""

from __future__ import annotations

from typing import Any

from ..models import KeywordNamesInput, KeywordNamesOutput
from ..runtime import ToolContext


async def keyword_names(
    args: KeywordNamesInput, ctx: ToolContext
) -> KeywordNamesOutput:
    """Property names that are Python keywords, builtins, pydantic-reserved or not
    identifiers."""
    given = args.model_dump(mode="json", by_alias=True, exclude_unset=True)
    answer: dict[str, Any] = {"return": "done", "None": int(given.get("2fa", False))}
    if "first-name" in given:
        answer["first-name"] = given["first-name"]
    return KeywordNamesOutput.model_validate(answer)
