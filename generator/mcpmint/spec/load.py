"""Read a spec file, YAML or JSON, into plain data with a line/column mark per path."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from mcpmint.spec.diagnostics import (
    Diagnostic,
    JsonPath,
    Level,
    SpecError,
    TextPositions,
    format_path,
)
from mcpmint.spec.load_json import JsonSyntaxError, parse_json
from mcpmint.spec.load_yaml import parse_yaml
from mcpmint.spec.source import Source, WorkingTree

if TYPE_CHECKING:
    from mcpmint.spec.packages import SharedDef

# Aliases are expanded into plain data; these bound what a hostile file can make us
# build.
MAX_NODES = 200_000
MAX_DEPTH = 64
_STRICT_JSON = (
    "a .json spec is strict JSON: no comments, no trailing commas, keys in double"
    " quotes"
)


@dataclass
class LoadedSpec:
    """Plain JSON-like data, the file it came from, and where each path starts in it."""

    path: Path
    display: str  # the file name as diagnostics print it
    data: Any
    marks: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)  # other files its $refs read
    # imported $defs name -> where it came from, relative to the spec's folder:
    # {"PostalCode": "shared/geo.yaml#/$defs/PostalCode"}
    origins: dict[str, str] = field(default_factory=dict)
    # imported $defs name -> the model of a shared package it is (spec/shared.py)
    shared: dict[str, SharedDef] = field(default_factory=dict)

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
        where, kind = format_path(path), cast(Level, level)
        return Diagnostic(kind, self.display, line, column, where, message, hint)


def load_spec(
    path: Path, display: str | None = None, source: Source | None = None
) -> LoadedSpec:
    """Parse `path`; raise SpecError with located diagnostics if it is not usable data.

    A `.json` file is read as JSON only. Any other file is read as YAML, except that a
    text starting with `{` or `[` that is JSON is read as JSON: the data YAML 1.2 gives,
    which PyYAML's YAML 1.1 does not always give (a raw U+0085, long keys).
    `source` is where it is read from: the working tree unless given.
    """
    spec = LoadedSpec(path=path, display=display or str(path), data=None)
    try:
        raw = (source or WorkingTree()).read_bytes(path)
    except OSError as exc:
        message = f"cannot read the spec: {exc.strerror}"
        raise SpecError([spec.diagnostic("error", (), message)]) from None
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0  # a UTF-8 BOM is no text
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        valid = raw[bom : bom + exc.start].decode("utf-8")
        line, column = TextPositions(valid).at(len(valid))
        at = bom + exc.start
        byte = f"byte {at}: {raw[at]:#x} at line {line}, column {column}"
        message = f"the spec is not UTF-8 text ({byte})"  # at 1:1: it has no lines
        error = spec.diagnostic("error", (), message, "save it as UTF-8")
        raise SpecError([error]) from None
    as_json = True if path.suffix.lower() == ".json" else None
    return parse_spec_text(text, spec, as_json=as_json)


def parse_spec_text(
    text: str, spec: LoadedSpec, as_json: bool | None = None
) -> LoadedSpec:
    """Parse YAML or JSON text into `spec.data` and `spec.marks`.

    `as_json`: True reads JSON only, False YAML only, None JSON if the text starts with
    `{` or `[` and is JSON, else YAML.
    """
    positions = TextPositions(text)
    if "\x00" in text:
        where = positions.at(text.index("\x00"))
        message = "the spec contains a NUL character"
        raise SpecError([Diagnostic("error", spec.display, *where, "(root)", message)])
    limits = {"max_depth": MAX_DEPTH, "max_nodes": MAX_NODES}
    if as_json or (as_json is None and text.lstrip(" \t\r\n")[:1] in ("{", "[")):
        try:
            spec.data, marks = parse_json(text, positions, spec.display, **limits)
        except JsonSyntaxError as exc:
            if as_json:  # else it may still be YAML (flow style): read it so below
                where, path = positions.at(exc.index), format_path(exc.path)
                hint = exc.hint or _STRICT_JSON
                error = Diagnostic(
                    "error", spec.display, *where, path, exc.message, hint
                )
                raise SpecError([error]) from None
        else:
            spec.marks.update(marks)
            return spec
    spec.data, marks = parse_yaml(text, positions, spec.display, **limits)
    spec.marks.update(marks)
    return spec
