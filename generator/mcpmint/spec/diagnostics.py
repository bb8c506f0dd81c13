"""Located diagnostics: each problem in a spec names file, line, column and path."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from mcpmint.schema.walk import JsonPath, PathPart

__all__ = ["Diagnostic", "JsonPath", "PathPart", "SpecError", "TextPositions"]

Level = Literal["error", "warning"]

_PLAIN_KEY = re.compile(r"^[A-Za-z_$@][A-Za-z0-9_$@-]*$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class TextPositions:
    """Line and column (1-based) of a character index in a text, as editors count them.

    Only \\n, \\r\\n and \\r end a line, as in JSON and in editors; YAML 1.1 parsers
    also count U+0085, U+2028 and U+2029, which would put every later diagnostic a line
    too low. Columns count characters (code points).
    """

    def __init__(self, text: str) -> None:
        self._starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def at(self, index: int) -> tuple[int, int]:
        index = max(0, index)
        line = bisect_right(self._starts, index)
        return line, index - self._starts[line - 1] + 1


def format_path(path: Sequence[PathPart]) -> str:
    """`("tools", 2, "inputSchema")` → `tools[2].inputSchema`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += "[" + _quote(part) + "]"
    return out or "(root)"


def _quote(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{shown}"'


@dataclass(frozen=True, slots=True)
class Diagnostic:
    level: Level
    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str | None = None

    def format(self) -> str:
        """One diagnostic as text: `file:line:col: level: path: message`, a hint; no
        path for a problem of the file's text (a YAML syntax error)."""
        where = f"{self.file}:{self.line}:{self.column}"
        path = f"{self.path}: " if self.path else ""
        text = f"{where}: {self.level}: {path}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.path, self.message)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in reading order, duplicates dropped."""
    return sorted(set(diagnostics), key=lambda d: d.sort_key)


def format_diagnostics(diagnostics: Sequence[Diagnostic]) -> str:
    """Every diagnostic, then a count line."""
    errors = sum(d.level == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    lines = [d.format() for d in diagnostics]
    plural = "s" * (errors != 1), "s" * (warnings != 1)
    lines.append(f"{errors} error{plural[0]}, {warnings} warning{plural[1]}")
    return "\n".join(lines)


class SpecError(Exception):
    """A spec that cannot be generated from; carries every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__(format_diagnostics(self.diagnostics))


def short_message(message: str, limit: int = 200) -> str:
    """A library's message cut to `limit` characters (a schema can make them huge)."""
    return message if len(message) <= limit else message[: limit - 1] + "…"
