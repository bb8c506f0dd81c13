"""Printing the finished statements: two blank lines apart, docstrings wrapped."""

from __future__ import annotations

import ast
import inspect
import textwrap

from .astnodes import docstring_of

_DOC_WIDTH = 80


def print_body(body: list[ast.stmt]) -> str:
    """Top-level statements, two blank lines apart; attribute docstrings attached."""
    text = ""
    for stmt in body:
        separator = "\n" if docstring_of(stmt) is not None else "\n\n\n"
        text += (separator if text else "") + _print_statement(stmt, 0)
    return text


def _print_statement(stmt: ast.stmt, indent: int) -> str:
    if (doc := docstring_of(stmt)) is not None:
        return _print_docstring(doc, indent)
    if isinstance(stmt, ast.ClassDef):
        bases = ", ".join(ast.unparse(b) for b in stmt.bases)
        members = "\n".join(_print_statement(s, indent + 4) for s in stmt.body)
        return f"{' ' * indent}class {stmt.name}({bases}):\n{members}"
    return textwrap.indent(ast.unparse(stmt), " " * indent)


def _print_docstring(text: str, indent: int) -> str:
    """A description as a docstring wrapped to fit, escaped so that any text is safe."""
    pad = " " * indent
    lines: list[str] = []
    for line in inspect.cleandoc(text).splitlines():
        width = _DOC_WIDTH - indent
        lines += textwrap.wrap(
            line, width, break_long_words=False, break_on_hyphens=False
        ) or [""]
    body = "\n".join(pad + line if line else "" for line in lines)
    body = body.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = "".join(
        c if c.isprintable() or c == "\n" else f"\\u{ord(c):04x}" for c in body
    )
    if body.endswith('"'):
        body += " "
    return f'{pad}"""\n{body}\n{pad}"""'
