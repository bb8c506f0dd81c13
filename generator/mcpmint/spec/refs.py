"""`$ref`s into other files: their definitions become the spec's own shared definitions.

`"$ref": "../shared/geo.yaml#/$defs/City"` is read relative to the file that holds it.
The target is copied into the spec's `$defs` (as `City`, or `GeoCity` if that name is
taken by something else) and the ref rewritten to `#/$defs/City`, so every tool that
uses it shares one model and `tools/list` serves it bundled. Refs inside the copied
schema are followed the same way, through any number of files; cycles become recursive
definitions. URLs are refused, and so are files outside the spec's reference root (its
own folder unless the spec sets `refRoot`).
"""

from __future__ import annotations

import copy
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcpmint.schema.walk import resolve_pointer
from mcpmint.spec.diagnostics import Diagnostic, JsonPath, SpecError
from mcpmint.spec.load import LoadedSpec, load_spec
from mcpmint.spec.naming import pascal
from mcpmint.spec.shared import declared_package, shared_def
from mcpmint.spec.source import Source, WorkingTree

_SCHEMES = ("http:", "https:", "file:", "ftp:", "data:", "urn:")
MAX_FILES = 200


@dataclass
class _State:
    spec: LoadedSpec
    root: Path
    source: Source
    files: dict[Path, LoadedSpec] = field(default_factory=dict)
    names: dict[tuple[Path, str], str] = field(
        default_factory=dict
    )  # target → def name
    problems: list[Diagnostic] = field(default_factory=list)


def inline_external_refs(
    spec: LoadedSpec, source: Source | None = None
) -> list[Diagnostic]:
    """Copy every definition another file provides into `spec.data["$defs"]`.

    Every file is read from `source` (the working tree unless given), so a spec read
    at a git revision has its references read at that revision."""
    data = spec.data
    if not isinstance(data, dict):
        return []
    source = source or WorkingTree()
    here = source.resolve(spec.path)
    base = here.parent
    root_setting = data.get("refRoot", ".")
    root = (
        source.resolve(base / root_setting) if isinstance(root_setting, str) else base
    )
    state = _State(spec, root, source)
    defs = data.get("$defs")
    if isinstance(defs, dict):
        # The dict itself grows while we walk it: imported definitions are added to it.
        for name in list(defs):
            defs[name] = _walk(state, defs[name], ("$defs", name), here, spec)
    if "tools" in data:
        data["tools"] = _walk(state, data["tools"], ("tools",), here, spec)
    spec.sources = sorted(state.files)
    return state.problems


def _walk(
    state: _State, node: Any, path: JsonPath, file: Path, where: LoadedSpec
) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("enum", "const", "default", "examples", "_meta"):
                out[key] = value
            else:
                out[key] = _walk(state, value, (*path, key), file, where)
        ref = out.get("$ref")
        if isinstance(ref, str) and _is_external(ref, file, where is state.spec):
            name = _import(state, ref, (*path, "$ref"), file, where)
            if name is not None:
                out["$ref"] = f"#/$defs/{name}"
        return out
    if isinstance(node, list):
        return [
            _walk(state, item, (*path, i), file, where) for i, item in enumerate(node)
        ]
    return node


def _is_external(ref: str, file: Path, in_spec: bool) -> bool:
    # In another file, even `#/...` points into that file, so it must be imported too.
    return not ref.startswith("#") or not in_spec


def _import(
    state: _State, ref: str, at: JsonPath, file: Path, where: LoadedSpec
) -> str | None:
    target_text, _, pointer = ref.partition("#")
    if target_text.lower().startswith(_SCHEMES) or "://" in target_text:
        state.problems.append(
            where.diagnostic(
                "error",
                at,
                f"$ref {ref!r} is a URL",
                "copy the schema into a file beside the spec",
            )
        )
        return None
    if "\x00" in ref:
        state.problems.append(
            where.diagnostic("error", at, "$ref contains a NUL character")
        )
        return None
    try:
        target = file
        if target_text:
            target = state.source.resolve(file.parent / target_text)
    except (OSError, ValueError, RuntimeError) as exc:
        state.problems.append(
            where.diagnostic("error", at, f"$ref {ref!r} is not a usable path: {exc}")
        )
        return None
    if target_text and not target.is_relative_to(state.root):
        state.problems.append(
            where.diagnostic(
                "error",
                at,
                f"$ref {ref!r} leaves the spec's reference root {state.root}",
                "set `refRoot` in the spec to allow it",
            )
        )
        return None
    loaded = _load(state, target, where, at, ref)
    if loaded is None:
        return None
    key = (target, pointer)
    if key in state.names:
        return state.names[key]
    found, schema = resolve_pointer(loaded.data, pointer)
    if not found:
        state.problems.append(
            where.diagnostic(
                "error",
                at,
                f"unresolved $ref {ref!r}: no {pointer or '/'} in {target.name}",
            )
        )
        return None
    if (
        isinstance(schema, dict)
        and set(schema) == {"$ref"}
        and _ref_chain_loops(state, target, pointer, loaded)
    ):
        state.problems.append(
            where.diagnostic(
                "error",
                at,
                f"$ref {ref!r} is part of a cycle of refs with no schema in it",
            )
        )
        return None
    if loaded is not state.spec:
        _check_schema(state, loaded, pointer, schema)
    name = _name_for(state, target, pointer)
    state.names[key] = name
    state.spec.origins[name] = _origin(state, target, pointer)
    if loaded is not state.spec and declared_package(loaded.data):
        origin_file = state.spec.origins[name].partition("#")[0]
        raw = state.source.read_bytes(target)
        model = shared_def(loaded, pointer, origin_file, raw)
        if model is not None:
            state.spec.shared[name] = model
    defs = state.spec.data.setdefault("$defs", {})
    defs[name] = None  # reserve the name before walking: a cycle finds it
    defs[name] = _walk(state, copy.deepcopy(schema), ("$defs", name), target, loaded)
    return name


def _check_schema(state: _State, loaded: LoadedSpec, pointer: str, schema: Any) -> None:
    from jsonschema import Draft202012Validator

    base = tuple(
        int(t) if t.isdigit() else t for t in pointer.strip("/").split("/") if t
    )
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    for error in meta.iter_errors(schema):
        message = f"not valid JSON Schema 2020-12: {error.message}"
        state.problems.append(
            loaded.diagnostic("error", (*base, *error.absolute_path), message)
        )


def _load(
    state: _State, target: Path, where: LoadedSpec, at: JsonPath, ref: str
) -> LoadedSpec | None:
    if target in state.files:
        return state.files[target]
    if target == state.source.resolve(state.spec.path):
        return state.spec
    if len(state.files) >= MAX_FILES:
        state.problems.append(
            where.diagnostic("error", at, f"more than {MAX_FILES} files referenced")
        )
        return None
    if not state.source.is_file(target):
        prefix = state.source.prefix
        folder = posixpath.dirname(where.display.removeprefix(prefix)) or "."
        relative = os.path.relpath(target, state.source.resolve(where.path).parent)
        shown = posixpath.normpath(posixpath.join(folder, Path(relative).as_posix()))
        state.problems.append(
            where.diagnostic(
                "error",
                at,
                f"$ref {ref!r}: target {prefix}{shown} does not exist",
                f"a $ref path is relative to the folder of the file that holds it"
                f" ({folder}/)",
            )
        )
        return None
    try:
        display = state.source.prefix + _display(state, target)
        loaded = load_spec(target, display=display, source=state.source)
    except SpecError as exc:
        state.problems.extend(exc.diagnostics)
        return None
    state.files[target] = loaded
    return loaded


def _origin(state: _State, target: Path, pointer: str) -> str:
    """`shared/geo.yaml#/$defs/PostalCode`: the file relative to the spec's folder."""
    folder = state.source.resolve(state.spec.path).parent
    return f"{Path(os.path.relpath(target, folder)).as_posix()}#{pointer}"


def _display(state: _State, target: Path) -> str:
    spec_dir = state.spec.path.parent
    resolved = state.source.resolve(spec_dir)
    try:
        return (spec_dir / target.relative_to(resolved)).as_posix()
    except ValueError:
        if spec_dir.is_absolute():
            return str(target)
        # Outside the spec's folder: relative to where the spec's own name is.
        relative = Path(os.path.relpath(target, resolved)).as_posix()
        return posixpath.normpath(posixpath.join(spec_dir.as_posix(), relative))


def _ref_chain_loops(
    state: _State, target: Path, pointer: str, loaded: LoadedSpec
) -> bool:
    seen = set()
    file, ptr, doc = target, pointer, loaded
    while (file, ptr) not in seen:
        seen.add((file, ptr))
        found, schema = resolve_pointer(doc.data, ptr)
        if not (found and isinstance(schema, dict) and set(schema) == {"$ref"}):
            return False
        text, _, ptr = schema["$ref"].partition("#")
        if text:
            file = state.source.resolve(file.parent / text)
            next_doc = state.files.get(file) or _safe_load(file, state.source)
            if next_doc is None:
                return False
            doc = next_doc
    return True


def _safe_load(path: Path, source: Source) -> LoadedSpec | None:
    try:
        return load_spec(path, source=source)
    except SpecError:
        return None


def _name_for(state: _State, target: Path, pointer: str) -> str:
    last = pointer.rstrip("/").rsplit("/", 1)[-1] or target.stem
    taken = set(state.spec.data.get("$defs") or {})
    for candidate in (last, pascal(target.stem) + pascal(last)):
        if candidate not in taken:
            return candidate
    i = 2
    while f"{last}{i}" in taken:
        i += 1
    return f"{last}{i}"
