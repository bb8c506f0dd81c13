"""Renamed tools' handlers: the old file moves to the new name with its code, and only
the name of its handler function changes."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True, slots=True)
class HandlerRename:
    """A tool's `renamedFrom`, as files: where its handler was and where it goes."""

    old: PurePosixPath  # <package>/handlers/<old function>.py
    new: PurePosixPath
    old_function: str
    new_function: str
    old_models: str  # the prefix of the tool's model classes: `Search` (SearchInput)
    new_models: str


def handler_rename(
    package: str, functions: tuple[str, str], models: tuple[str, str]
) -> HandlerRename:
    """The move of one handler module to another, in `package`: the (old, new)
    function names and the (old, new) prefixes of the tool's model classes."""
    folder = PurePosixPath(package, "handlers")
    old, new = functions
    return HandlerRename(folder / f"{old}.py", folder / f"{new}.py", old, new, *models)


def stale_model_names(source: bytes, rename: HandlerRename) -> list[str]:
    """The tool's old model class names that a moved handler still uses."""
    if rename.old_models == rename.new_models:
        return []
    names = (f"{rename.old_models}{suffix}" for suffix in ("Input", "Output"))
    return [n for n in names if re.search(rb"\b" + n.encode("ascii") + rb"\b", source)]


def renamed_source(source: bytes, old: str, new: str) -> bytes | None:
    """`source` with the name of its top-level `async def <old>` changed to `new`,
    every other byte as it was; None when it has no such function (or does not
    parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    line_starts = [0]
    for line in source.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    name = re.escape(old.encode("ascii"))
    pattern = re.compile(rb"async[ \t\f]+def[ \t\f]+(" + name + rb")(?![\w])")
    for node in tree.body:
        if isinstance(node, ast.AsyncFunctionDef) and node.name == old:
            start = line_starts[node.lineno - 1] + node.col_offset
            match = pattern.match(source, start)
            if match is None:  # `async \` and `def` on two lines: left to the user
                return None
            head, tail = source[: match.start(1)], source[match.end(1) :]
            return head + new.encode("ascii") + tail
    return None
