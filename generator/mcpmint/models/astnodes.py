"""Small readers and builders of `ast` nodes for the finisher."""

from __future__ import annotations

import ast
from typing import Any, TypeVar, cast

Node = TypeVar("Node", bound=ast.AST)
_STRING_CHUNK = 56


def defined_name(stmt: ast.stmt) -> str | None:
    """The name a class or a `X = TypeAliasType("X", ...)` statement defines."""
    if isinstance(stmt, ast.ClassDef):
        return stmt.name
    if (
        isinstance(stmt, ast.Assign)
        and isinstance(stmt.value, ast.Call)
        and name_of(stmt.value.func) == "TypeAliasType"
        and isinstance(stmt.targets[0], ast.Name)
    ):
        return stmt.targets[0].id
    return None


def name_of(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else ""


def elements(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


def docstring_of(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        if isinstance(stmt.value.value, str):
            return stmt.value.value
    return None


def call(func: str | ast.expr, args: list[ast.expr], **keywords: ast.expr) -> ast.Call:
    callee = ast.Name(func, ast.Load()) if isinstance(func, str) else func
    return ast.Call(callee, args, [ast.keyword(k, v) for k, v in keywords.items()])


def subscript(name: str, items: list[ast.expr]) -> ast.Subscript:
    index = items[0] if len(items) == 1 else ast.Tuple(items, ast.Load())
    return ast.Subscript(ast.Name(name, ast.Load()), index, ast.Load())


def assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, ast.Store())], value, lineno=0)


def annotation(name: str, annotation: ast.expr) -> ast.AnnAssign:
    return ast.AnnAssign(ast.Name(name, ast.Store()), annotation, None, simple=1)


def class_def(name: str, bases: list[ast.expr], body: list[ast.stmt]) -> ast.ClassDef:
    node = ast.ClassDef(name, bases, [], body or [ast.Pass()], [])
    if "type_params" in ast.ClassDef._fields:  # Python 3.12+
        node.type_params = []  # type: ignore[attr-defined, unused-ignore]
    return node


def literal(value: Any) -> ast.expr:
    if isinstance(value, list):
        return ast.List([literal(v) for v in value], ast.Load())
    if isinstance(value, dict):
        return ast.Dict(
            [ast.Constant(k) for k in value], [literal(v) for v in value.values()]
        )
    return ast.Constant(value)


def split_strings(node: Node) -> Node:
    """Long strings as `"..." + "..."`: black cannot wrap a string; ruff wants 88."""

    class Splitter(ast.NodeTransformer):
        def visit_Subscript(self, sub: ast.Subscript) -> ast.AST:
            # type expressions (Literal values, forward references) stay whole
            return sub

        def visit_Constant(self, const: ast.Constant) -> ast.AST:
            if (
                not isinstance(const.value, str)
                or len(repr(const.value)) <= _STRING_CHUNK
            ):
                return const
            chunks = _chunks(const.value)
            result: ast.expr = ast.Constant(chunks[0])
            for chunk in chunks[1:]:
                result = ast.BinOp(result, ast.Add(), ast.Constant(chunk))
            return result

    # A whole node may be a long string itself (a default value): it becomes a BinOp.
    result: Any = Splitter().visit(node)
    return cast(Node, result)


def _chunks(text: str) -> list[str]:
    chunks, current = [], ""
    for char in text:
        if len(repr(current + char)) > _STRING_CHUNK:
            chunks.append(current)
            current = ""
        current += char
    return [*chunks, current]
