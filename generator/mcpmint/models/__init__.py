"""JSON Schema → Pydantic models: the public API of the models stage."""

from .cache import cache_key, cached_render_models, fingerprint
from .data import (
    AnnotationName,
    ModelClass,
    ModelField,
    ModelRequest,
    ModelsSource,
    Unfaithful,
)
from .imports import from_imports
from .pipeline import render_models

__all__ = [
    "AnnotationName",
    "ModelClass",
    "ModelField",
    "ModelRequest",
    "ModelsSource",
    "Unfaithful",
    "cache_key",
    "cached_render_models",
    "fingerprint",
    "from_imports",
    "render_models",
]
