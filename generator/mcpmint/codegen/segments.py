"""A Python file as segments black formats one window at a time, same bytes as a
whole-file run.

A segment is a unit of the file with the lines before it (blank lines, comments): a
top-level statement, or, in a big top-level class (the typed client), the class's
header and each statement of its body; the last segment is what follows the last
statement. Black decides a statement's own lines from that statement, and the lines
before it from the statement before it (`EmptyLineTracker`: the previous line, the defs
it closes, a leading comment), so a segment's formatted text is keyed on (the unit
before, the lines before, the unit, and its class's header). A window of units is
formatted as a file of its own, its first unit (the context) only there to set that
state: never a bare string out of its place, which black would take for a docstring;
a class member's window starts with the class's header. Files this cannot split
exactly (one line holding two statements, line breaks other than `\\n`, `# fmt: off`,
a syntax error) are formatted whole.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mcpmint.output import cache

# Characters Python or str.splitlines read as line breaks, besides "\n".
_ODD_BREAKS = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Black's `# fmt: off` (`on`, `skip`) and `# yapf: disable` span statements.
_DIRECTIVES = ("fmt:", "yapf:")
# A top-level class at least this long is split into its members.
CLASS_BYTES = 4_000


@dataclass(frozen=True)
class Unit:
    """A statement (`top`), a class's header up to its first member (`head`), or a
    statement of a split class's body (`member`, `owner` its head's index)."""

    kind: str
    gap: str  # the lines before it
    source: str
    owner: int = -1
    string: bool = False  # a bare string literal


@dataclass(frozen=True)
class Split:
    """A source as units (the first one's gap: the lines before the first statement)
    and what follows the last (`tail`)."""

    units: tuple[Unit, ...]
    tail: str

    def keys(self, salt: bytes) -> tuple[str, ...]:
        """Segment i's cache key for i in 0..n (n: what follows the last unit)."""
        keys = []
        for i, unit in enumerate(self.units):
            before = self._context_text(i - 1) if i else b"<start>"
            header = self.units[unit.owner].source if unit.owner >= 0 else ""
            parts = (
                unit.kind.encode(),
                before,
                unit.gap.encode(),
                unit.source.encode(),
            )
            keys.append(cache.key(salt, *parts, header.encode()))
        keys.append(
            cache.key(
                salt,
                b"<end>",
                self._context_text(len(self.units) - 1),
                self.tail.encode(),
            )
        )
        return tuple(keys)

    def _context_text(self, i: int) -> bytes:
        unit = self.units[i]
        header = self.units[unit.owner].source if unit.owner >= 0 else ""
        return f"{unit.kind}\0{header}\0{unit.source}".encode()

    def window(self, first: int, last: int) -> tuple[str, list[int], int]:
        """A window formatting segments first..last (n: the tail): its source, the
        units it holds in order, and how many of those come first as context only
        (none when the window starts where the file does)."""
        n = len(self.units)
        start = first - 1
        while start > 0 and self._misplaced(start):
            start -= 1
        start = max(start, 0)
        end = min(last, n - 1)
        if self.units[end].kind == "head":  # a header alone does not parse
            end += 1
        held = list(range(start, end + 1))
        unit = self.units[start]
        parts: list[str] = []
        if unit.kind == "member":  # its class's header first
            held.insert(0, unit.owner)
            parts.append(self.units[unit.owner].source)
        elif start == 0:
            parts.append(unit.gap)
        parts.append(unit.source)
        parts += [
            self.units[i].gap + self.units[i].source for i in range(start + 1, end + 1)
        ]
        if end == n - 1:
            parts.append(self.tail)
        context = 0 if start == 0 else len(held) - (end - start)
        return "".join(parts), held, context

    def _misplaced(self, i: int) -> bool:
        """Whether unit i at a window's start would sit elsewhere than in the file: a
        string not first in its block (a docstring there)."""
        unit = self.units[i]
        if not unit.string:
            return False
        return not (unit.kind == "member" and self.units[i - 1].kind == "head")

    def read(self, formatted: str, held: list[int]) -> list[str] | None:
        """The formatted window's segments, one per unit held and the tail's; None
        when black's output does not hold the same statements."""
        try:
            body = ast.parse(formatted).body
        except (SyntaxError, ValueError):
            return None
        if any(c in _ODD_BREAKS for c in formatted):
            return None
        ends: list[int] = []
        for node in body:
            if len(ends) < len(held) and self.units[held[len(ends)]].kind == "head":
                if not isinstance(node, ast.ClassDef):
                    return None
                ends.append(_span(node.body[0])[0] - 1)
                ends += [_span(member)[1] for member in node.body]
            else:
                ends.append(_span(node)[1])
        if len(ends) != len(held):
            return None
        lines = formatted.split("\n")
        result, previous = [], 0
        for end in ends:
            result.append("".join(line + "\n" for line in lines[previous:end]))
            previous = end
        result.append("\n".join(lines[previous:]))
        return result


def split(text: str) -> Split | None:
    """The source as units, or None when it cannot be split exactly."""
    if any(c in _ODD_BREAKS for c in text) or any(d in text for d in _DIRECTIVES):
        return None
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError):
        return None
    if not body or not _apart(body):
        return None
    lines = text.split("\n")

    def joined(first: int, last: int) -> str:  # 1-based line numbers, inclusive
        return "".join(line + "\n" for line in lines[first - 1 : last])

    units: list[Unit] = []
    previous = 0  # the last line of the previous unit
    for node in body:
        first, last = _span(node)
        gap = joined(previous + 1, first - 1)
        if _splits(node, joined(first, last)):
            assert isinstance(node, ast.ClassDef)
            owner = len(units)
            members_start = _span(node.body[0])[0]
            units.append(Unit("head", gap, joined(first, members_start - 1)))
            previous = members_start - 1
            for member in node.body:
                m_first, m_last = _span(member)
                between = joined(previous + 1, m_first - 1)
                source = joined(m_first, m_last)
                units.append(Unit("member", between, source, owner, _is_string(member)))
                previous = m_last
        else:
            units.append(Unit("top", gap, joined(first, last), -1, _is_string(node)))
            previous = last
    result = Split(tuple(units), "\n".join(lines[previous:]))
    if "".join(u.gap + u.source for u in units) + result.tail != text:
        return None
    return result


def _splits(node: ast.stmt, source: str) -> bool:
    """A top-level class worth splitting into its members, members that can be."""
    if not isinstance(node, ast.ClassDef) or len(source) < CLASS_BYTES:
        return False
    header_end = max(
        [node.lineno]
        + [
            b.end_lineno or b.lineno
            for b in node.bases + [k.value for k in node.keywords]
        ]
    )
    return (
        len(node.body) > 1 and _span(node.body[0])[0] > header_end and _apart(node.body)
    )


def _apart(body: list[ast.stmt]) -> bool:
    """No two statements share a line."""
    spans = [_span(node) for node in body]
    return all(spans[i][0] > spans[i - 1][1] for i in range(1, len(spans)))


def _span(node: ast.stmt) -> tuple[int, int]:
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno] + [d.lineno for d in decorators])
    return first, node.end_lineno or node.lineno


def _is_string(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )
