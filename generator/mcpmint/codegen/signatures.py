"""Keyword parameters of the typed client, read from the generated models' source.

The client's `get_forecast(*, city, days=...)` repeats each input field's annotation as
datamodel-code-generator wrote it, so mypy checks callers exactly as it checks the models.
"""

from __future__ import annotations

import ast
import builtins
import functools
import sys
from collections.abc import Iterable

from mcpmint.codegen.ir import ParamIR
from mcpmint.models import from_imports

# Names the client module defines itself; a field with one of these names gets a suffix.
_TAKEN = frozenset({"self", "models", "meta", "timeout"})


def input_params(tree: ast.Module, source: str, class_name: str) -> tuple[ParamIR, ...]:
    """The fields of `class_name` as keyword parameters, required ones first."""
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    params = []
    for stmt in node.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            continue
        if stmt.target.id == "model_config":
            continue
        annotation = _segment(_lines(source), stmt.annotation) or "Any"
        name = stmt.target.id
        arg = f"{name}_" if name in _TAKEN else name
        annotation = " ".join(annotation.split())
        required = stmt.value is None
        if not required and "MISSING" not in annotation:
            annotation += " | MISSING"  # omitted arguments stay omitted on the wire
        params.append(ParamIR(arg, name, annotation, required))
    return tuple(sorted(params, key=lambda p: not p.required))


# Names the client template uses itself, by module.
_CLIENT_NEEDS = {
    "collections.abc": {"AsyncIterator", "Mapping"},
    "contextlib": {"asynccontextmanager"},
    "typing": {"Any"},
    "mcp": {"Client"},
    "pydantic": {"MISSING", "BaseModel"},
}


@functools.lru_cache(maxsize=4)
def _lines(source: str) -> tuple[str, ...]:
    # ast.get_source_segment splits the whole source on every call: quadratic in tools.
    return tuple(source.splitlines(keepends=True))


def _segment(lines: tuple[str, ...], node: ast.expr) -> str:
    """The source text of `node` (UTF-8 column offsets, as ast gives them)."""
    end_line = node.end_lineno or node.lineno
    end_col = node.end_col_offset or 0
    chunk = [line.encode() for line in lines[node.lineno - 1 : end_line]]
    if len(chunk) == 1:
        return chunk[0][node.col_offset : end_col].decode()
    chunk[0] = chunk[0][node.col_offset :]
    chunk[-1] = chunk[-1][:end_col]
    return b"".join(chunk).decode()


def annotation_imports(tree: ast.Module, params: Iterable[ParamIR]) -> tuple[str, ...]:
    """The client's import block: its own names plus every name the annotations use.

    Sections as isort orders them (standard library, third party, the package), so the
    block is ruff-clean as rendered.
    """
    used = set()
    for param in params:
        for node in ast.walk(ast.parse(param.annotation, mode="eval")):
            if isinstance(node, ast.Name):
                used.add(node.id)
    # The name models.py binds -> (module, imported name): `MISSING_aliased` is pydantic's
    # MISSING, renamed because a field is called MISSING.
    origin: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                origin[alias.asname or alias.name] = (node.module, alias.name)
    by_module: dict[str, set[tuple[str, str]]] = {
        m: {(n, n) for n in names} for m, names in _CLIENT_NEEDS.items()
    }
    ours = {name: module for module, names in _CLIENT_NEEDS.items() for name in names}
    for name in sorted(used):
        if name not in origin and hasattr(builtins, name):
            continue
        module, real = origin.get(name) or (ours.get(name) or ".models", name)
        by_module.setdefault(module, set()).add((real, name))
    sections: list[list[str]] = [["import shlex"], [], ["from . import models"]]
    for module, names in sorted(by_module.items()):
        index = 2 if module.startswith(".") else 0 if module.split(".")[0] in sys.stdlib_module_names else 1
        sections[index] += from_imports(module, ((real, None if real == local else local) for real, local in names))
    return tuple(line for section in sections for line in [*section, ""])[:-1]
