"""A server must serve something: tools, prompts, resources or resource templates (any
of them; a server of prompts or resources alone has no tools)."""

from __future__ import annotations

from typing import Any

from mcpmint.spec.diagnostics import Diagnostic
from mcpmint.spec.load import LoadedSpec

SECTIONS = ("tools", "prompts", "resources", "resourceTemplates")


def empty_server_problems(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    """An error when no section serves anything (located at `tools:` when present)."""
    if any(not isinstance(data.get(k, []), list) for k in SECTIONS):
        return []  # the section's own type error says what is wrong
    if any(data.get(k) for k in SECTIONS):
        return []
    where = ("tools",) if "tools" in data else ()
    return [
        spec.diagnostic(
            "error",
            where,
            "the server serves nothing: no tools, prompts, resources or resource"
            " templates",
            "declare at least one tool, prompt, resource or resource template",
        )
    ]
