"""Handler of the tool 'keyword_names'.

This file is yours: mcpmint writes it once and never overwrites it.

Property names that are Python keywords, builtins, pydantic-reserved or not
identifiers.
"""

from __future__ import annotations

from ..models import KeywordNamesInput, KeywordNamesOutput
from ..runtime import ToolContext


async def keyword_names(
    args: KeywordNamesInput, ctx: ToolContext
) -> KeywordNamesOutput:
    """Property names that are Python keywords, builtins, pydantic-reserved or not
    identifiers."""
    raise NotImplementedError
