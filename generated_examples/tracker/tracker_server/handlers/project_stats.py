"""Handler of the tool 'project_stats'.

This file is yours: mcpmint writes it once and never overwrites it.

Counts of issues by state and priority.
"""

from __future__ import annotations

from ..models import ProjectStatsInput, ProjectStatsOutput
from ..runtime import ToolContext
from . import ISSUES


async def project_stats(
    args: ProjectStatsInput, ctx: ToolContext
) -> ProjectStatsOutput:
    """Counts of issues by state and priority."""
    by_state: dict[str, int] = {}
    by_priority: dict[str, int] = {}
    for i in ISSUES.values():
        by_state[i["state"]] = by_state.get(i["state"], 0) + 1
        priority = i.get("priority", "normal")
        by_priority[priority] = by_priority.get(priority, 0) + 1
    ratio = by_state.get("open", 0) / len(ISSUES)
    return ProjectStatsOutput.model_validate(
        {"by_state": by_state, "by_priority": by_priority, "open_ratio": ratio}
    )
