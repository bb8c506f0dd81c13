"""Definitions that give way to imported classes, and what only they used.

A server whose schemas use a shared package's `Address` imports that class instead of
defining its own. The module is still generated from the whole schema (the lowering
needs every definition's body to merge and tell unions apart); afterwards the imported
classes' own statements go, and so does every definition no longer reachable from the
classes the module exists for (the requests): the helpers hoisted out of `Address`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection

from .astnodes import defined_name, docstring_of

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def unused_removed(
    body: list[ast.stmt], imported: Collection[str], roots: Collection[str]
) -> list[ast.stmt]:
    """`body` without the definitions of `imported` names, nor those that only they
    (transitively) used; `roots` are kept, and so is whatever they use."""
    groups = _groups(body)
    uses = {name: _names(stmts) for name, stmts in groups if name is not None}
    keep: list[str] = [r for r in roots if r in uses and r not in imported]
    for name in keep:
        keep += sorted(
            u for u in uses[name] if u in uses and u not in keep and u not in imported
        )
    kept = set(keep)
    return [
        stmt for name, stmts in groups if name is None or name in kept for stmt in stmts
    ]


def _groups(body: list[ast.stmt]) -> list[tuple[str | None, list[ast.stmt]]]:
    """Each definition with the attribute docstrings after it; other statements alone
    (name None)."""
    groups: list[tuple[str | None, list[ast.stmt]]] = []
    for stmt in body:
        if docstring_of(stmt) is not None and groups:
            groups[-1][1].append(stmt)
        else:
            groups.append((defined_name(stmt), [stmt]))
    return groups


def _names(stmts: list[ast.stmt]) -> set[str]:
    """Every name the statements use, forward references (strings) included: a word
    of a description too, which at worst keeps a definition that is not needed."""
    found = set()
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name):
                found.add(node.id)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                found |= set(_WORD.findall(node.value))
    return found
