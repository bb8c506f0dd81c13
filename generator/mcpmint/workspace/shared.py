"""A shared schema file (`$defs` and no `mcpmint:` key) by itself: its definitions
validated, and the workspace specs that use each one."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mcpmint.schema.walk import def_name
from mcpmint.spec.diagnostics import (
    Diagnostic,
    SpecError,
    format_diagnostics,
    sort_diagnostics,
)
from mcpmint.spec.load import LoadedSpec, load_spec
from mcpmint.spec.refs import inline_external_refs
from mcpmint.spec.shared import is_shared_file, shared_file_problems
from mcpmint.spec.source import Source, WorkingTree
from mcpmint.workspace.config import FILE_NAME, Workspace, shown

__all__ = [
    "Overlay",
    "is_shared",
    "no_workspace_note",
    "shared_problems",
    "users_of",
    "validate_command",
]

# Top-level keys a shared file may have besides `$defs` (`package` and `version` name
# the file as a models package); any other is a warning.
KNOWN_KEYS = (
    *("$defs", "package", "version", "$schema", "$id", "$comment"),
    *("description", "title"),
)


def is_shared(data: Any) -> bool:
    """A shared schema file rather than a server spec (one rule: `spec/shared.py`)."""
    return is_shared_file(data)


class Overlay:
    """The working tree, except for the files given with their content."""

    prefix = ""

    def __init__(self, files: Mapping[Path, bytes]) -> None:
        self._files = {path.resolve(): text for path, text in files.items()}
        self._disk = WorkingTree()

    def resolve(self, path: Path) -> Path:
        return path.resolve()

    def is_file(self, path: Path) -> bool:
        return path.resolve() in self._files or path.is_file()

    def read_bytes(self, path: Path) -> bytes:
        found = self._files.get(path.resolve())
        return found if found is not None else self._disk.read_bytes(path)


def shared_problems(
    loaded: LoadedSpec, source: Source | None = None
) -> list[Diagnostic]:
    """Every diagnostic of a shared file: its own definitions checked as a spec's
    `$defs` are, with their refs into other files followed (wherever they lead: each
    spec that uses the file checks its own `refRoot`)."""
    from mcpmint.models.names import RESERVED
    from mcpmint.spec.validate import defs_problems

    data = loaded.data
    own_keys = shared_file_problems(loaded, RESERVED)  # package, version, class names
    if any(d.level == "error" for d in own_keys):
        return sort_diagnostics(own_keys)
    defs = data.get("$defs")
    if not isinstance(defs, dict):
        hint = "`$defs: {Name: {type: string}}`"
        return [loaded.diagnostic("error", ("$defs",), "expected a mapping", hint)]
    found = own_keys + [
        loaded.diagnostic(
            "warning",
            (key,),
            f"unknown key {key!r} in a shared schema file (ignored)",
            "known keys: " + ", ".join(KNOWN_KEYS),
        )
        for key in data
        if key not in KNOWN_KEYS
    ]
    own = list(defs)
    folder = (source or WorkingTree()).resolve(loaded.path).parent
    data["refRoot"] = os.path.relpath(folder.anchor, folder)
    found += inline_external_refs(loaded, source)
    del data["refRoot"]
    found += defs_problems(loaded, data["$defs"], own)
    return sort_diagnostics(found)


def users_of(
    workspace: Workspace, shared: Path, source: Source | None = None
) -> tuple[dict[str, list[str]], list[Path]]:
    """Definition name -> the workspace specs that use it (directly or through other
    definitions), read from `source`; and the specs that use the file at all."""
    target = shared.resolve()
    used: dict[str, list[str]] = {}
    specs: list[Path] = []
    for server in workspace.servers:
        names = _used_names(server.spec, target, source)
        if names:
            specs.append(server.spec)
        for name in sorted(names):
            used.setdefault(name, []).append(shown(server.spec))
    return used, specs


def _used_names(spec: Path, target: Path, source: Source | None) -> set[str]:
    try:
        loaded = load_spec(spec, source=source)
    except SpecError:
        return set()
    inline_external_refs(loaded, source)
    folder = spec.resolve().parent
    names = set()
    for origin in loaded.origins.values():
        file, _, pointer = origin.partition("#")
        name = def_name("#" + pointer)
        if name is not None and (folder / file).resolve() == target:
            names.add(name)
    return names


def no_workspace_note(path: Path, also: str = "") -> str:
    return (
        f"no {FILE_NAME} found (in this folder or a parent, up to the repository "
        f"root): the specs that use {shown(path)} are not known; pass --workspace "
        f"FILE{also}"
    )


def validate_command(path: Path, given: Path | None) -> int | None:
    """`mcpmint validate` of a shared file: located diagnostics, then the users of
    each definition. None when `path` is not a shared file (a spec)."""
    from mcpmint.workspace.run import workspace_at

    try:
        loaded = load_spec(path)
    except SpecError:
        return None  # the spec path reports it
    if not is_shared(loaded.data):
        return None
    defs = loaded.data["$defs"]
    own = list(defs) if isinstance(defs, dict) else []
    found = shared_problems(loaded)
    if any(d.level == "error" for d in found):
        raise SpecError(found)
    print(format_diagnostics(found))
    workspace = workspace_at(given)
    if workspace is None:
        print(no_workspace_note(path), file=sys.stderr)
        return 0
    used, _ = users_of(workspace, path)
    where = shown(workspace.path)
    print(f"{_plural(len(own), 'definition')}; the specs of {where} using each:")
    for name in own:
        print(f"  {name}: {', '.join(used.get(name, [])) or 'none'}")
    return 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
