"""Handler of the tool 'label_issue'.

This file is yours: mcpmint writes it once and never overwrites it.

Add and remove labels.
"""

from __future__ import annotations

from ..models import LabelIssueInput, LabelIssueOutput
from ..runtime import ToolContext
from . import issue


async def label_issue(args: LabelIssueInput, ctx: ToolContext) -> LabelIssueOutput:
    """Add and remove labels."""
    labels = [label for label in issue(args.id)["labels"] if label not in args.remove]
    labels += [label for label in args.add if label not in labels]
    return LabelIssueOutput(labels=labels)
