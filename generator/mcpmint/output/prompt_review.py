"""Prompt handlers whose arguments changed since the last generation: `generate`
lists them under `review` (the arguments model they take changed), like tools'."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mcpmint.output.files import last_written


def served_prompts(path: Path) -> dict[str, Any]:
    """prompts.json's entries by prompt name ({} when there is none or it is bad)."""
    return last_written(path, prompts_by_name)


def prompts_by_name(text: str) -> dict[str, Any]:
    return {p["prompt"]["name"]: p for p in json.loads(text)["prompts"]}


def prompt_reviews(
    before: dict[str, Any], now: dict[str, Any], package: str
) -> dict[str, str]:
    """Handler path -> what changed, for each prompt (or its completions) built in
    code whose arguments or argument types changed."""
    review = {}
    for name, entry in now.items():
        old = before.get(name)
        if old is None or (
            old["prompt"].get("arguments") == entry["prompt"].get("arguments")
            and old.get("kinds") == entry.get("kinds")
        ):
            continue
        for key in ("handler", "completer"):
            if key in entry:
                review[f"{package}/handlers/{entry[key]}.py"] = "arguments"
    return review
