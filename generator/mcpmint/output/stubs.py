"""Handlers that are still the stub mcpmint wrote: `mcpmint check --fail-on-stubs`.

A handler is a stub when its function's body, past an optional docstring, is only
`raise NotImplementedError` (with or without arguments, or a message). Anything else
counts as the user's code, even a handler that raises NotImplementedError on one
branch: the generated tests catch that one when an example takes the branch.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path, PurePosixPath


def is_stub(source: str, function: str) -> bool:
    """Whether the module-level `async def function` only raises
    NotImplementedError; False when the source does not parse or has no such
    function."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    for node in tree.body:
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and (
            node.name == function
        ):
            return _only_raises_not_implemented(node.body)
    return False


def _only_raises_not_implemented(body: list[ast.stmt]) -> bool:
    first = body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    raised = body[0].exc
    if isinstance(raised, ast.Call):
        raised = raised.func
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def stub_handlers(handlers: Iterable[PurePosixPath], out: Path) -> list[str]:
    """The handler files (relative to `out`) whose function is still a stub."""
    found = []
    for rel in sorted(handlers):
        try:
            source = (out / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if is_stub(source, rel.stem):
            found.append(str(rel))
    return found
