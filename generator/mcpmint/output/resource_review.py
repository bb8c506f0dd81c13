"""Resource template handlers to review: those whose variables' schemas changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mcpmint.output.files import last_written


def served_variables(path: Path) -> dict[str, Any]:
    """Each template's variables as the last generate wrote them ({} for none)."""
    return last_written(path, _variables)


def _variables(text: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(text).get("variables", {})
    return found


def template_reviews(
    before: dict[str, Any], resources_json: str | None, package: str
) -> dict[str, str]:
    """Handler path -> what changed, for each template whose variables changed."""
    # Imported here: the no-op path of generate imports no validation module.
    from mcpmint.spec.resource_rules import reader_name

    now = _variables(resources_json) if resources_json else {}
    return {
        f"{package}/handlers/{reader_name(name)}.py": "variables"
        for name, variables in now.items()
        if name in before and before[name] != variables
    }
