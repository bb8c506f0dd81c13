"""The models on disk: `render_models` once per distinct input, keyed on everything
that decides its output (see mcpmint/cache.py for where entries live)."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from mcpmint.output import cache as disk

from .data import (
    AnnotationName,
    ModelClass,
    ModelField,
    ModelRequest,
    ModelsSource,
    Unfaithful,
)
from .pipeline import render_models

# Distributions whose behaviour reaches the models: the codegen, and jsonschema (with
# its referencing library), which decides the enum values and defaults that validate.
_DISTRIBUTIONS = ("datamodel-code-generator", "jsonschema", "referencing")
_PACKAGE = Path(__file__).parent


def cached_render_models(
    requests: Sequence[ModelRequest],
    defs: Mapping[str, Any],
    *,
    every_def: bool = False,
    imported: Mapping[str, tuple[str, str]] | None = None,
) -> ModelsSource:
    """render_models, from the disk cache when the same inputs were rendered before."""
    options = {"every_def": every_def, "imported": dict(imported or {})}
    entry = cache_key(requests, defs, options=options)
    cached = disk.read("models", entry)
    if cached is not None:
        return from_json(cached)
    result = render_models(requests, defs, every_def=every_def, imported=imported)
    disk.write("models", entry, to_json(result))
    return result


def cache_key(
    requests: Sequence[ModelRequest],
    defs: Mapping[str, Any],
    generator: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> str:
    """The cache entry of these inputs, for this generator (`fingerprint()`);
    `options`: render_models's keyword arguments, when any is not its default."""
    inputs = [[r.class_name, r.schema, r.tool, r.where] for r in requests]
    given = [inputs, defs] + ([options] if options and any(options.values()) else [])
    return disk.key(
        json.dumps(given, sort_keys=True).encode(),
        (generator or _fingerprint()).encode(),
    )


def fingerprint(package: Path = _PACKAGE) -> str:
    """What decides the models besides their inputs: every source file of the models
    package (helpers.py included), the versions of the distributions that take part,
    and Python's major.minor (`ast.unparse` differs between them)."""
    parts = [f"python {sys.version_info[0]}.{sys.version_info[1]}".encode()]
    parts += [f"{d} {metadata.version(d)}".encode() for d in _DISTRIBUTIONS]
    for path in sorted(package.rglob("*.py")):
        parts += [path.relative_to(package).as_posix().encode(), path.read_bytes()]
    return disk.key(*parts)


@functools.cache
def _fingerprint() -> str:
    return fingerprint()


def to_json(models: ModelsSource) -> str:
    """The cached form of a result."""
    return json.dumps(asdict(models))


def from_json(text: str) -> ModelsSource:
    """A result from its cached form."""
    data = json.loads(text)
    return ModelsSource(
        data["source"],
        tuple(Unfaithful(**u) for u in data["unfaithful"]),
        tuple(_model_class(c) for c in data["classes"]),
    )


def _model_class(data: dict[str, Any]) -> ModelClass:
    return ModelClass(
        data["name"],
        tuple(ModelField(**f) for f in data["fields"]),
        tuple(AnnotationName(**n) for n in data["names"]),
    )
