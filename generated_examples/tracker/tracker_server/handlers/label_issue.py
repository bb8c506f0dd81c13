"""Handler of the tool 'label_issue'.

This file is yours: mcpmint writes it once and never overwrites it.

Add and remove labels.
"""

from __future__ import annotations

from ..models import LabelIssueInput, LabelIssueOutput
from ..runtime import ToolContext


async def label_issue(args: LabelIssueInput, ctx: ToolContext) -> LabelIssueOutput:
    """Add and remove labels."""
    raise NotImplementedError
