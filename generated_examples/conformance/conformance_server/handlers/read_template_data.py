"""Handler of the resource template 'test://template/{id}/data'.

Answers the suite's scenario resources-templates-read: the id substituted into a
JSON document.
"""

from __future__ import annotations

import json

from ..context import Context
from ..models import TemplateDataVariables


async def read_template_data(args: TemplateDataVariables, ctx: Context) -> str | bytes:
    """Data for one id, as JSON (scenario resources-templates-read)."""
    return json.dumps(
        {"id": args.id, "templateTest": True, "data": f"Data for ID: {args.id}"},
        separators=(",", ":"),
    )
