"""The request classes as the typed client sees them: fields, annotations, and where
the names in those annotations come from."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable

from .astnodes import name_of
from .data import AnnotationName, ModelClass, ModelField

# Annotated attributes that are not fields.
_NOT_FIELDS = frozenset({"model_config", "__pydantic_extra__"})


def model_classes(
    body: list[ast.stmt],
    wanted: Iterable[str],
    imports: set[tuple[str, str, str | None]],
) -> tuple[ModelClass, ...]:
    """The classes called `wanted`, from the finished module's body and imports."""
    classes = {s.name: s for s in body if isinstance(s, ast.ClassDef)}
    origin = {alias or name: (module, name) for module, name, alias in imports}
    return tuple(_model_class(classes[name], origin) for name in wanted)


def _model_class(cls: ast.ClassDef, origin: dict[str, tuple[str, str]]) -> ModelClass:
    fields: list[ModelField] = []
    used: set[str] = set()
    for stmt in cls.body:
        if not isinstance(stmt, ast.AnnAssign) or name_of(stmt.target) in (
            "",
            *_NOT_FIELDS,
        ):
            continue
        text = ast.unparse(stmt.annotation)
        fields.append(ModelField(name_of(stmt.target), text, stmt.value is None))
        used |= {n.id for n in ast.walk(stmt.annotation) if isinstance(n, ast.Name)}
    names = []
    for name in sorted(used):
        if name in origin:
            names.append(AnnotationName(name, *origin[name]))
        elif not hasattr(builtins, name):
            names.append(AnnotationName(name, None, name))
    return ModelClass(cls.name, tuple(fields), tuple(names))
