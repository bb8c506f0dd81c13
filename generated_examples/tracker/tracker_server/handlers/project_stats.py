"""Handler of the tool 'project_stats'.

This file is yours: mcpmint writes it once and never overwrites it.

Counts of issues by state and priority.
"""

from __future__ import annotations

from ..models import ProjectStatsInput, ProjectStatsOutput
from ..runtime import ToolContext


async def project_stats(
    args: ProjectStatsInput, ctx: ToolContext
) -> ProjectStatsOutput:
    """Counts of issues by state and priority."""
    raise NotImplementedError
