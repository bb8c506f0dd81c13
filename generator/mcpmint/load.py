"""Read a spec file: YAML (or JSON) into plain data, with a line/column mark for every path."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, JsonPath, SpecError, format_path

# Aliases are expanded into plain data; these bound what a hostile file can make us build.
MAX_NODES = 200_000
MAX_DEPTH = 64

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


@dataclass
class LoadedSpec:
    """Plain JSON-like data, the file it came from, and where each path starts in it."""

    path: Path
    display: str  # the file name as diagnostics print it
    data: Any
    marks: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)  # other files its $refs read

    def mark(self, path: JsonPath) -> tuple[int, int]:
        """Line and column of the nearest marked ancestor of `path` (1-based)."""
        for end in range(len(path), -1, -1):
            found = self.marks.get(tuple(path[:end]))
            if found is not None:
                return found
        return (1, 1)

    def diagnostic(
        self, level: str, path: JsonPath, message: str, hint: str | None = None
    ) -> Diagnostic:
        """A diagnostic located at `path` in this file."""
        line, column = self.mark(path)
        return Diagnostic(
            level,  # type: ignore[arg-type]
            self.display,
            line,
            column,
            format_path(path),
            message,
            hint,
        )


class _Builder:
    """Turns composed YAML nodes into plain data, recording marks and problems."""

    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.problems: list[Diagnostic] = []
        self.count = 0

    def build(self, node: yaml.Node, path: JsonPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(f"more than {MAX_NODES} values (alias expansion?)", path)
        if depth > MAX_DEPTH:
            raise _TooBig(f"nested deeper than {MAX_DEPTH} levels", path)
        self.spec.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: JsonPath, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, path, "YAML merge keys (<<) are not supported", "write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, path, "a key must be a plain scalar")
                continue
            key = self._scalar(key_node, path)
            if not isinstance(key, str):
                key = key_node.value
                self._problem(key_node, (*path, key), f"key {key!r} is not a string", f'quote it: "{key}"')
            if key in out:
                self._problem(key_node, (*path, key), f"duplicate key {key!r}", "remove one of them")
                continue
            child = (*path, key)
            self.spec.marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, child, depth + 1)
        return out

    def _scalar(self, node: yaml.Node, path: JsonPath) -> Any:
        if node.tag not in _SCALAR_TAGS:
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # JSON has no dates: keep the text as written
            self._problem(node, path, f"unsupported YAML tag {node.tag}", "use plain JSON values")
            return node.value
        try:
            value = _Loader.construct_scalar_value(node)
        except (ValueError, IndexError, KeyError, TypeError, yaml.YAMLError):
            self._problem(node, path, f"cannot read the value {node.value[:40]!r} as {node.tag.rsplit(':', 1)[-1]}", "quote it if it is text")
            return node.value
        if isinstance(value, float) and not math.isfinite(value):
            self._problem(node, path, f"{node.value} is not a JSON number")
        return value

    def _problem(self, node: yaml.Node, path: JsonPath, message: str, hint: str | None = None) -> None:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        self.problems.append(
            Diagnostic("error", self.spec.display, line, column, format_path(path), message, hint)
        )


class _TooBig(Exception):
    def __init__(self, message: str, path: JsonPath) -> None:
        super().__init__(message)
        self.path = path


def _construct_scalar_value(node: yaml.ScalarNode) -> Any:
    loader = _Loader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


_Loader.construct_scalar_value = staticmethod(_construct_scalar_value)  # type: ignore[attr-defined]


def load_spec(path: Path, display: str | None = None) -> LoadedSpec:
    """Parse `path`; raise SpecError with located diagnostics if it is not usable data."""
    spec = LoadedSpec(path=path, display=display or str(path), data=None)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError([spec.diagnostic("error", (), f"cannot read the spec: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError([spec.diagnostic("error", (), f"the spec is not UTF-8 text (byte {exc.start})")]) from None
    return parse_spec_text(text, spec)


def parse_spec_text(text: str, spec: LoadedSpec) -> LoadedSpec:
    """Parse YAML text into `spec.data` and `spec.marks`."""
    if "\x00" in text:
        raise SpecError([spec.diagnostic("error", (), "the spec contains a NUL character")])
    too_deep = _too_deep(text)
    if too_deep is not None:
        # libyaml recurses on flow collections and can overflow the C stack: refuse first.
        line, column = too_deep
        message = f"the spec is nested deeper than {MAX_DEPTH} levels"
        raise SpecError([Diagnostic("error", spec.display, line, column, "(root)", message)])
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML syntax error: {exc.problem or exc.context}"
        hint = "indent with spaces, not tabs" if _char_at(text, line, column) == "\t" else None
        raise SpecError([Diagnostic("error", spec.display, line, column, "(root)", message, hint)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([spec.diagnostic("error", (), f"YAML error: {exc}")]) from None
    if node is None:
        raise SpecError([spec.diagnostic("error", (), "the spec is empty", "start with `mcpmint: 1`")])
    builder = _Builder(spec)
    try:
        spec.data = builder.build(node, (), 0)
    except _TooBig as exc:
        raise SpecError([spec.diagnostic("error", exc.path, f"the spec is too large: {exc}")]) from None
    if builder.problems:
        raise SpecError(builder.problems)
    return spec


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 < line <= len(lines) and 0 < column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where [ and { nesting outside quotes first goes past MAX_DEPTH (line, column)."""
    depth = 0
    quote = ""
    line, column = 1, 0
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        if quote:
            if char == quote or char == "\n":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, column
        elif char in "]}":
            depth = max(0, depth - 1)
    return None
