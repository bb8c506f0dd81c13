"""An option of the server's command line (the rows of `option_table.OPTIONS`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Option"]


@dataclass(frozen=True)
class Option:
    """One option: `--flag VALUE` or variable `MCP_FLAG`, read by `parse`."""

    flag: str
    parse: Callable[[str], Any]
    default: Any  # None: decided at run time (see `options`)
    default_doc: str
    help: str
    roads: str  # a key of ROADS
    metavar: str | None = None
    kind: str = "value"  # "value", "list" (repeatable, commas) or "bool"
    aliases: tuple[str, ...] = ()  # older variable names, still read

    @property
    def dest(self) -> str:
        return self.flag[2:].replace("-", "_")

    @property
    def env(self) -> str:
        return "MCP_" + self.dest.upper()

    @property
    def variables(self) -> tuple[str, ...]:
        return (self.env, *self.aliases)
