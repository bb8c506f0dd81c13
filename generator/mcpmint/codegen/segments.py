"""A Python file as segments black formats one window at a time, same bytes as a
whole-file run.

Segment i is statement i of the module body with the lines before it (blank lines,
comments), the last one the lines after the last statement. Black decides a top-level
statement's own lines from that statement alone, and the lines before it from the
statement before it (`EmptyLineTracker`: the previous line, the defs it closes, a
leading comment), so a segment's formatted text is keyed on (previous statement,
lines before, statement). A window of statements is formatted as a file of its own,
its first statement (the context) only there to set that state: never a bare string,
which at the start of a file black would take for the module docstring. Files this
cannot split exactly (one line holding two statements, line breaks other than `\\n`,
`# fmt: off`, a syntax error) are formatted whole.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mcpmint.output import cache

# Characters Python or str.splitlines read as line breaks, besides "\n".
_ODD_BREAKS = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Black's `# fmt: off` (`on`, `skip`) and `# yapf: disable` span statements.
_DIRECTIVES = ("fmt:", "yapf:")


@dataclass(frozen=True)
class Split:
    """A source as statements and the lines around them: `head` before the first
    statement, `gaps[i]` between statements i-1 and i (`gaps[0] == ""`), `tail`
    after the last one."""

    head: str
    statements: tuple[str, ...]
    gaps: tuple[str, ...]
    tail: str
    strings: frozenset[int]  # statements that are a bare string literal

    def keys(self, salt: bytes) -> tuple[str, ...]:
        """Segment i's cache key for i in 0..n (n: what follows the last statement)."""
        n = len(self.statements)
        keys = [
            cache.key(salt, b"head", self.head.encode(), self.statements[0].encode())
        ]
        for i in range(1, n):
            before = self.statements[i - 1].encode()
            keys.append(
                cache.key(
                    salt, before, self.gaps[i].encode(), self.statements[i].encode()
                )
            )
        keys.append(
            cache.key(salt, b"tail", self.statements[-1].encode(), self.tail.encode())
        )
        return tuple(keys)

    def window(self, first: int, last: int) -> tuple[str, int]:
        """The source of a window formatting segments first..last (n: the tail), and
        the statement it starts at (its context, or 0 with the head)."""
        n = len(self.statements)
        start = first - 1
        while start > 0 and start in self.strings:
            start -= 1
        end = min(last, n - 1)
        parts = [self.head] if start <= 0 else []
        start = max(start, 0)
        for i in range(start, end + 1):
            parts += [self.gaps[i] if i > start else "", self.statements[i]]
        if last >= n - 1:
            parts.append(self.tail)
        return "".join(parts), start


def split(text: str) -> Split | None:
    """The source as statements, or None when it cannot be split exactly."""
    if any(c in _ODD_BREAKS for c in text) or any(d in text for d in _DIRECTIVES):
        return None
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError):
        return None
    if not body:
        return None
    lines = text.split("\n")
    spans = [_span(node) for node in body]
    if any(spans[i][0] <= spans[i - 1][1] for i in range(1, len(spans))):
        return None  # two statements on one line

    def joined(first: int, last: int) -> str:  # 1-based line numbers, inclusive
        return "".join(line + "\n" for line in lines[first - 1 : last])

    statements = tuple(joined(a, b) for a, b in spans)
    gaps = ("",) + tuple(
        joined(spans[i - 1][1] + 1, spans[i][0] - 1) for i in range(1, len(spans))
    )
    head = joined(1, spans[0][0] - 1)
    tail = "\n".join(lines[spans[-1][1] :])
    strings = frozenset(i for i, node in enumerate(body) if _is_string(node))
    result = Split(head, statements, gaps, tail, strings)
    if (
        head + "".join(g + s for g, s in zip(gaps, statements, strict=True)) + tail
        != text
    ):
        return None
    return result


def segments_of(formatted: str, count: int) -> list[str] | None:
    """A formatted window's segments: one per statement (with what black put before
    it) and what follows the last; None when black's output does not hold `count`
    statements."""
    try:
        body = ast.parse(formatted).body
    except (SyntaxError, ValueError):
        return None
    if len(body) != count or any(c in _ODD_BREAKS for c in formatted):
        return None
    ends = [node.end_lineno or node.lineno for node in body]
    lines = formatted.split("\n")
    result, previous = [], 0
    for end in ends:
        result.append("".join(line + "\n" for line in lines[previous:end]))
        previous = end
    result.append("\n".join(lines[previous:]))
    return result


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
