"""What the models stage takes and gives: requests in; source, loose spots and the
request classes' fields out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ModelRequest:
    """One root model to generate: a tool's inputSchema or outputSchema."""

    class_name: str
    schema: Mapping[str, Any]
    tool: str
    where: str


@dataclass(frozen=True, slots=True)
class Unfaithful:
    """A place where the model is looser than the schema: validate with jsonschema."""

    class_name: str
    tool: str
    pointer: str
    reason: str


@dataclass(frozen=True, slots=True)
class ModelField:
    """A field declared in a request class's body, in declaration order."""

    attribute: str  # "city": the model's attribute name
    annotation: str  # its annotation as models.py writes it, on one line
    required: bool  # no default: the caller must give it


@dataclass(frozen=True, slots=True)
class AnnotationName:
    """A name a field annotation uses, and where models.py gets it."""

    name: str  # as the annotation writes it: "City", "StrictStr", "MISSING_aliased"
    module: str | None  # the module models.py imports it from; None: models.py's own
    imported: str  # its name in that module (differs from `name` when renamed)


@dataclass(frozen=True, slots=True)
class ModelClass:
    """A request class as the typed client sees it."""

    name: str
    fields: tuple[ModelField, ...]
    names: tuple[AnnotationName, ...]  # every non-builtin name the annotations use


@dataclass(frozen=True, slots=True)
class ModelsSource:
    """The models module text, the places where it is not faithful to the schemas, and
    the fields of each request's class."""

    source: str
    unfaithful: tuple[Unfaithful, ...]
    classes: tuple[ModelClass, ...] = ()

    def model_class(self, name: str) -> ModelClass:
        """The request class called `name`."""
        return next(c for c in self.classes if c.name == name)
