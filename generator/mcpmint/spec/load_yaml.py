"""Read a YAML spec into plain JSON-like data, with a line/column mark for every path.

Positions come from the character index of libyaml's marks, counted against the text
by `TextPositions`: libyaml's own line numbers count U+0085, U+2028 and U+2029 as line
breaks, which editors and JSON do not.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from typing import Any

import yaml

from mcpmint.spec.diagnostics import (
    Diagnostic,
    JsonPath,
    SpecError,
    TextPositions,
    format_path,
)

try:  # the C loader is ~10x faster; the pure one gives the same nodes
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
# JSON writes a character past U+FFFF as a pair of escapes ("\ud83d\ude00", as
# json.dumps does by default), so a tool pasted from a tools/list answer may hold them;
# YAML has no surrogates and refuses them. When it does, every pair is rewritten as
# YAML's own escape ("\U0001f600", two characters shorter; positions after it are moved
# back), if each one turns out to be in a double-quoted string.
_PAIR = re.compile(
    r"(?<!\\)(?:\\\\)*\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE
)
_BAD_ESCAPE = "found invalid Unicode character escape code"
_TAB_HINT = "indent with spaces, not tabs"


def parse_yaml(
    text: str, positions: TextPositions, display: str, *, max_depth: int, max_nodes: int
) -> tuple[Any, dict[JsonPath, tuple[int, int]]]:
    """The data of a YAML text and the mark of every path; SpecError if unusable."""
    pairs: list[int] = []  # where a rewritten pair ends, in the rewritten text

    def at(index: int) -> tuple[int, int]:
        return positions.at(index + 2 * bisect_right(pairs, index))

    def refuse(index: int, message: str, hint: str | None = None) -> SpecError:
        return SpecError([Diagnostic("error", display, *at(index), "", message, hint)])

    too_deep = _too_deep(text, max_depth)
    if too_deep is not None:
        # libyaml recurses on flow collections and can overflow the C stack: refuse
        # first.
        raise refuse(too_deep, f"the spec is nested deeper than {max_depth} levels")
    try:
        node = _compose(text, pairs)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        index = mark.index if mark else 0
        hint = _TAB_HINT if text[index : index + 1] == "\t" else None
        if exc.problem == _BAD_ESCAPE:
            hint = "write the character itself, or an 8-digit \\U escape (\\U0001f600)"
        message = f"YAML syntax error: {exc.problem or exc.context}"
        raise refuse(index, message, hint) from None
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else exc.character[0]
        escape = f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
        message = f"the character U+{code:04X} is not allowed in YAML ({exc.reason})"
        hint = f'write it as an escape in a double-quoted string: "{escape}"'
        where = positions.at(_reader_index(text, exc.position, chr(code), bool(pairs)))
        error = Diagnostic("error", display, *where, "", message, hint)
        raise SpecError([error]) from None
    except yaml.YAMLError as exc:
        raise refuse(0, f"YAML error: {exc}") from None
    if node is None:
        raise refuse(0, "the spec is empty", "start with `mcpmint: 1`")
    builder = _Builder(display, at, max_depth, max_nodes)
    data = builder.build(node, (), 0)
    if builder.problems:
        raise SpecError(builder.problems)
    return data, builder.marks


def _compose(text: str, pairs: list[int]) -> yaml.Node | None:
    """yaml.compose; if it refuses a surrogate pair, again with the pairs in
    double-quoted strings rewritten (where each rewritten escape ends: in `pairs`)."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if exc.problem != _BAD_ESCAPE:
            raise
    found = list(_PAIR.finditer(text))
    for _ in range(2):  # all pairs; then only those that were in double quotes
        pairs.clear()
        parts: list[str] = []
        last = 0
        for pair in found:
            high, low = int(pair[1], 16), int(pair[2], 16)
            code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            parts += [text[last : pair.start(1) - 2], f"\\U{code:08x}"]
            pairs.append((pairs[-1] if pairs else 0) + len(parts[-2]) + 10)
            last = pair.end()
        node = yaml.compose("".join(parts) + text[last:], Loader=_Loader)
        quoted = _in_double_quotes(node, [end - 10 for end in pairs])
        if all(quoted):
            return node
        found = [pair for pair, inside in zip(found, quoted, strict=True) if inside]
    pairs.clear()
    return yaml.compose(text, Loader=_Loader)  # pragma: no cover - raises as above


def _in_double_quotes(root: yaml.Node | None, indexes: list[int]) -> list[bool]:
    """For each index, whether it is inside a double-quoted scalar of the tree."""
    spans: list[tuple[int, int]] = []
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:  # aliases share nodes
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode) and node.style == '"':
            spans.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, yaml.MappingNode):
            stack += [part for item in node.value for part in item]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    spans.sort()
    starts = [start for start, _ in spans]
    inside = []
    for index in indexes:
        found = bisect_right(starts, index) - 1
        inside.append(found >= 0 and index < spans[found][1])
    return inside


class _Builder:
    """Turns composed YAML nodes into plain data, recording marks and problems."""

    def __init__(self, display: str, at: Any, max_depth: int, max_nodes: int) -> None:
        self.display = display
        self.at = at  # a mark's index -> (line, column) in the file's text
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.marks: dict[JsonPath, tuple[int, int]] = {}
        self.problems: list[Diagnostic] = []
        self.count = 0

    def build(self, node: yaml.Node, path: JsonPath, depth: int) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            self._too_big(path, f"more than {self.max_nodes} values (alias expansion?)")
        if depth > self.max_depth:
            self._too_big(path, f"nested deeper than {self.max_depth} levels")
        self.marks.setdefault(path, self.at(node.start_mark.index))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            items = enumerate(node.value)
            return [self.build(item, (*path, i), depth + 1) for i, item in items]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: JsonPath, depth: int) -> Any:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                message = "YAML merge keys (<<) are not supported"
                self._problem(key_node, path, message, "write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, path, "a key must be a plain scalar")
                continue
            key = self._scalar(key_node, path)
            if not isinstance(key, str):
                key = key_node.value
                message, hint = f"key {key!r} is not a string", f'quote it: "{key}"'
                self._problem(key_node, (*path, key), message, hint)
            if key in out:
                message, hint = f"duplicate key {key!r}", "remove one of them"
                self._problem(key_node, (*path, key), message, hint)
                continue
            child = (*path, key)
            self.marks[child] = self.at(key_node.start_mark.index)
            out[key] = self.build(value_node, child, depth + 1)
        return out

    def _scalar(self, node: yaml.Node, path: JsonPath) -> Any:
        if node.tag not in _SCALAR_TAGS:
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # JSON has no dates: keep the text as written
            message = f"unsupported YAML tag {node.tag}"
            self._problem(node, path, message, "use plain JSON values")
            return node.value
        try:
            value = _construct_scalar_value(node)
        except (ValueError, IndexError, KeyError, TypeError, yaml.YAMLError):
            kind = node.tag.rsplit(":", 1)[-1]
            message = f"cannot read the value {node.value[:40]!r} as {kind}"
            self._problem(node, path, message, "quote it if it is text")
            return node.value
        if isinstance(value, float) and not math.isfinite(value):
            self._problem(node, path, f"{node.value} is not a JSON number")
        return value

    def _problem(
        self, node: yaml.Node, path: JsonPath, message: str, hint: str | None = None
    ) -> None:
        line, column = self.at(node.start_mark.index)
        where = format_path(path)
        self.problems.append(
            Diagnostic("error", self.display, line, column, where, message, hint)
        )

    def _too_big(self, path: JsonPath, why: str) -> None:
        """Stop: located at the nearest marked ancestor of `path`."""
        found = (1, 1)
        for end in range(len(path), -1, -1):
            if path[:end] in self.marks:
                found = self.marks[path[:end]]
                break
        message = f"the spec is too large: {why}"
        error = Diagnostic("error", self.display, *found, format_path(path), message)
        raise SpecError([error])


def _construct_scalar_value(node: yaml.Node) -> Any:
    loader = _Loader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _reader_index(text: str, position: int, char: str, rewritten: bool) -> int:
    """Where the character YAML's reader refused is: libyaml gives its UTF-8 byte
    offset, PyYAML's own reader its index (in the text as rewritten, if it was)."""
    encoded = text.encode("utf-8", "surrogatepass")
    from_bytes = len(encoded[:position].decode("utf-8", "ignore"))
    for index in () if rewritten else (from_bytes, position):
        if text[index : index + 1] == char:
            return index
    return max(0, text.find(char))  # the reader stops at the first one


def _too_deep(text: str, max_depth: int) -> int | None:
    """Where [ and { nesting outside quotes first goes past `max_depth` (an index)."""
    depth = 0
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote or char in "\r\n":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return index
        elif char in "]}":
            depth = max(0, depth - 1)
    return None
