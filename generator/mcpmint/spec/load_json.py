"""Read a JSON spec as JSON (RFC 8259), with a line/column mark for every path.

YAML 1.1 is not quite a superset of JSON: PyYAML refuses surrogate-pair escapes
(`json.dumps` writes an emoji as "\\ud83d\\ude00"), folds a raw U+0085 in a string into
a space, and refuses keys over 1,024 characters. JSON text is therefore read by this
small recursive-descent parser: strings are decoded by the standard library's
`json.decoder.scanstring` (in C), the rest here, so that every value gets the position
of its first character. It keeps the YAML loader's rules: duplicate keys, NaN and
Infinity, numbers Python cannot hold, lone surrogates, nesting past the depth cap and
files past the value cap are all refused with located diagnostics.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from mcpmint.spec.diagnostics import (
    Diagnostic,
    JsonPath,
    SpecError,
    TextPositions,
    format_path,
)

_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORDS: tuple[tuple[str, Any], ...] = (("true", True), ("false", False), ("null", None))
_NOT_NUMBERS = ("NaN", "Infinity", "-Infinity")
_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]


class JsonSyntaxError(Exception):
    """The text is not JSON: what is wrong, at which character, in which value."""

    def __init__(
        self, index: int, path: JsonPath, message: str, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.index = index
        self.path = path  # the value (or the object or array) the parser was in
        self.message = message
        self.hint = hint


def parse_json(
    text: str, positions: TextPositions, display: str, *, max_depth: int, max_nodes: int
) -> tuple[Any, dict[JsonPath, tuple[int, int]]]:
    """The value of a JSON text and the mark of every path in it.

    Raises JsonSyntaxError if `text` is not JSON, SpecError (every problem, located) if
    it is JSON that mcpmint cannot use.
    """
    parser = _Parser(text, positions, display, max_depth, max_nodes)
    start = _space(text, 0)
    if start == len(text):
        raise JsonSyntaxError(0, (), "the spec is empty", 'start with {"mcpmint": 1}')
    value, end = parser.value(start, (), 0)
    end = _space(text, end)
    if end != len(text):
        message = f"JSON syntax error: {_found(text, end)} after the end of the value"
        raise JsonSyntaxError(end, (), message)
    if parser.problems:
        raise SpecError(parser.problems)
    return value, parser.marks


class _Parser:
    def __init__(
        self, text: str, positions: TextPositions, display: str, depth: int, nodes: int
    ) -> None:
        self.text = text
        self.positions = positions
        self.display = display
        self.max_depth = depth
        self.max_nodes = nodes
        self.count = 0
        self.marks: dict[JsonPath, tuple[int, int]] = {}
        self.problems: list[Diagnostic] = []

    def value(self, i: int, path: JsonPath, depth: int) -> tuple[Any, int]:
        """The value starting at `i` (not whitespace), and the index just after it."""
        self.count += 1
        if self.count > self.max_nodes:
            message = f"the spec is too large: more than {self.max_nodes} values"
            raise SpecError([self._diagnostic(i, path, message)])
        self.marks.setdefault(path, self.positions.at(i))
        text = self.text
        char = text[i : i + 1]
        if char in ("{", "["):
            if depth >= self.max_depth:
                message = f"the spec is nested deeper than {self.max_depth} levels"
                raise SpecError([self._diagnostic(i, path, message)])
            if char == "{":
                return self._object(i, path, depth)
            return self._array(i, path, depth)
        if char == '"':
            return self._string(i, path)
        number = _NUMBER.match(text, i)
        if number:
            return self._number(i, number, path), number.end()
        for word, constant in _WORDS:
            if text.startswith(word, i):
                return constant, i + len(word)
        for word in _NOT_NUMBERS:
            if text.startswith(word, i):
                hint = "JSON numbers are finite; use null or a string"
                raise JsonSyntaxError(i, path, f"{word} is not a JSON number", hint)
        raise self._expecting(i, path, "a value")

    def _object(self, i: int, path: JsonPath, depth: int) -> tuple[Any, int]:
        out: dict[str, Any] = {}
        i = _space(self.text, i + 1)
        if self.text.startswith("}", i):
            return out, i + 1
        while True:
            if not self.text.startswith('"', i):
                raise self._expecting(i, path, "a key in double quotes")
            key_at = i
            key, i = self._string(i, path)
            child = (*path, key)
            if key in out:
                message, hint = f"duplicate key {key!r}", "remove one of them"
                self.problems.append(self._diagnostic(key_at, child, message, hint))
            else:
                self.marks[child] = self.positions.at(key_at)
            i = _space(self.text, i)
            if not self.text.startswith(":", i):
                raise self._expecting(i, path, "':' after a key")
            value, i = self.value(_space(self.text, i + 1), child, depth + 1)
            out.setdefault(key, value)  # a duplicate is refused above
            i = _space(self.text, i)
            if self.text.startswith("}", i):
                return out, i + 1
            if not self.text.startswith(",", i):
                raise self._expecting(i, path, "',' or '}'")
            i = _space(self.text, i + 1)

    def _array(self, i: int, path: JsonPath, depth: int) -> tuple[Any, int]:
        out: list[Any] = []
        i = _space(self.text, i + 1)
        if self.text.startswith("]", i):
            return out, i + 1
        while True:
            value, i = self.value(i, (*path, len(out)), depth + 1)
            out.append(value)
            i = _space(self.text, i)
            if self.text.startswith("]", i):
                return out, i + 1
            if not self.text.startswith(",", i):
                raise self._expecting(i, path, "',' or ']'")
            i = _space(self.text, i + 1)

    def _string(self, i: int, path: JsonPath) -> tuple[str, int]:
        try:
            value, end = _scanstring(self.text, i + 1, True)
        except json.JSONDecodeError as exc:
            raise _string_error(self.text, i, path, exc) from None
        surrogate = _SURROGATE.search(value)
        if surrogate:  # a pair of escapes is one character; one alone is none
            escape = f"\\u{ord(surrogate.group()):04x}"
            message = f"the string holds a lone surrogate {escape}, not a character"
            hint = "escape the whole pair (\\ud83d\\ude00) or write the character"
            self.problems.append(self._diagnostic(i, path, message, hint))
        return value, end

    def _number(self, i: int, match: re.Match[str], path: JsonPath) -> Any:
        literal = match.group()
        if match.group(1) or match.group(2):
            value = float(literal)
            if not math.isfinite(value):
                message = f"{_short(literal)} is out of the range of a 64-bit float"
                self.problems.append(self._diagnostic(i, path, message))
            return value
        try:
            return int(literal)
        except ValueError:  # over sys.get_int_max_str_digits() digits
            limit = sys.get_int_max_str_digits()
            message = f"cannot read the number {_short(literal)}: over {limit} digits"
            hint = "quote it if it is text"
            self.problems.append(self._diagnostic(i, path, message, hint))
            return 0

    def _expecting(self, i: int, path: JsonPath, what: str) -> JsonSyntaxError:
        message = f"JSON syntax error: expecting {what}, found {_found(self.text, i)}"
        return JsonSyntaxError(i, path, message)

    def _diagnostic(
        self, i: int, path: JsonPath, message: str, hint: str | None = None
    ) -> Diagnostic:
        line, column = self.positions.at(i)
        where = format_path(path)
        return Diagnostic("error", self.display, line, column, where, message, hint)


def _space(text: str, i: int) -> int:
    """The index of the first character at or after `i` that is not JSON whitespace."""
    match = _SPACE.match(text, i)
    return match.end() if match else i


def _string_error(
    text: str, start: int, path: JsonPath, exc: json.JSONDecodeError
) -> JsonSyntaxError:
    if exc.msg.startswith("Invalid control character"):
        # the C scanner points at the character, the pure-Python one just after it
        pos = exc.pos if exc.pos < len(text) and text[exc.pos] < " " else exc.pos - 1
        char = text[pos]
        message = f"JSON syntax error: a raw control character U+{ord(char):04X}"
        hint = f"escape it in the string: {json.dumps(char)[1:-1]}"
        return JsonSyntaxError(pos, path, message, hint)
    if exc.msg.startswith("Unterminated string"):
        message = "JSON syntax error: the string is never closed"
        return JsonSyntaxError(start, path, message)
    message = f"JSON syntax error: {exc.msg[:1].lower()}{exc.msg[1:]}"
    return JsonSyntaxError(exc.pos, path, message)


def _found(text: str, i: int) -> str:
    if i >= len(text):
        return "the end of the file"
    char = text[i]
    return repr(char) if char.isprintable() else f"U+{ord(char):04X}"


def _short(literal: str, limit: int = 40) -> str:
    if len(literal) <= limit:
        return literal
    return f"{literal[:limit]}... ({len(literal)} characters)"
