"""What a spec records of the shared schema packages it uses (see spec/shared.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mcpmint.spec.naming import schema_class_name


@dataclass(frozen=True, slots=True)
class SharedPackage:
    """A models package a spec imports from: what its pyproject and provenance need."""

    package: str  # "geo_schemas": the import name
    version: str  # "1.2.0": `version:` of the shared file (DEFAULT_VERSION if none)
    path: str  # "shared/geo.yaml": the file, relative to the spec's folder
    digest: str  # sha256 (hex) of the file's text, line endings as LF

    @property
    def distribution(self) -> str:
        """The distribution name: `geo-schemas`."""
        return self.package.replace("_", "-")

    @property
    def requirement(self) -> str:
        """What a project depending on it writes: `geo-schemas==1.2.0`."""
        return f"{self.distribution}=={self.version}"


@dataclass(frozen=True, slots=True)
class SharedDef:
    """A spec definition that is a model of a shared package."""

    package: SharedPackage
    name: str  # its `$defs` key in the shared file
    class_name: str  # the class the package defines for it

    @property
    def module(self) -> str:
        """The module that defines the class: `geo_schemas.models`."""
        return f"{self.package.package}.models"


def file_digest(raw: bytes) -> str:
    """The digest recorded for a shared file: sha256 of its bytes with CRLF as LF, so
    a checkout with Windows line endings gives the same digest."""
    return hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


def class_names(defs: Iterable[Any]) -> dict[str, str]:
    """The class each definition of a shared package gets: its key in PascalCase."""
    return {name: schema_class_name(name) for name in defs if isinstance(name, str)}
