"""The parsers of option values: each takes the text of a flag or a variable.

A bad value raises ValueError saying what was expected; `options` names the flag or
variable it came from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError("not a number of seconds (0 or more)")
    return value


def _integer(low: int, high: int | None, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = low - 1
        if value < low or (high is not None and value > high):
            raise ValueError(what)
        return value

    return parse


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in choices:
            raise ValueError(f"not one of {', '.join(choices)}")
        return value

    return parse


def _nonempty(text: str) -> str:
    if not text.strip():
        raise ValueError("empty")
    return text.strip()


def _names(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _variable_name(text: str) -> str:
    if text and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text):
        raise ValueError("not an environment variable name ('' serves without one)")
    return text


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise ValueError("not a boolean (1, true, yes, on, or 0, false, no, off)")
