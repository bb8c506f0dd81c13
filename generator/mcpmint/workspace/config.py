"""The workspace file: which server specs a repository holds, and where each is
generated.

```yaml
mcpmint-workspace: 1
servers:
  - spec: specs/orders.yaml
    out: services/orders
  - spec: "teams/*/spec.yaml"   # a glob: every match, each in its own folder
```

Paths are relative to the workspace file's folder. A glob's `out` may say `{stem}` (the
spec's file name without its extension) or `{folder}` (the name of the spec's folder).
Every problem is a located diagnostic; a workspace with one is not used at all.
"""

from __future__ import annotations

import difflib
import glob
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcpmint.spec.diagnostics import Diagnostic, JsonPath, SpecError, sort_diagnostics
from mcpmint.spec.load import LoadedSpec, load_spec

__all__ = ["FILE_NAME", "Server", "Workspace", "find_workspace", "load_workspace"]

FILE_NAME = "mcpmint-workspace.yaml"
_TOP_KEYS = ("mcpmint-workspace", "servers")
_ENTRY_KEYS = ("spec", "out", "client")
_GLOB = frozenset("*?[")


@dataclass(frozen=True)
class Server:
    """One server of the workspace: its spec and its project folder."""

    spec: Path
    out: Path
    client: Path | None = None  # where its client-only package is generated, if any


@dataclass(frozen=True)
class Workspace:
    path: Path
    servers: tuple[Server, ...]

    @property
    def root(self) -> Path:
        return self.path.parent


def find_workspace(start: Path) -> Path | None:
    """`mcpmint-workspace.yaml` in `start` or the nearest parent folder, up to the
    repository's root (the folder holding `.git`)."""
    folder = Path(os.path.abspath(start))
    for candidate in (folder, *folder.parents):
        if (candidate / FILE_NAME).is_file():
            return candidate / FILE_NAME
        if (candidate / ".git").exists():
            return None
    return None


def load_workspace(path: Path, display: str | None = None) -> Workspace:
    """The workspace in `path`; SpecError with every located problem."""
    loaded = load_spec(path, display=display or shown(path))
    found: list[Diagnostic] = []
    servers = _servers(loaded, found)
    if any(d.level == "error" for d in found):
        raise SpecError(sort_diagnostics(found))
    return Workspace(Path(os.path.abspath(path)), tuple(servers))


def shown(path: Path) -> str:
    """`path` as the commands print it: relative to the current folder when inside."""
    relative = os.path.relpath(os.path.abspath(path))
    return Path(path if relative.startswith("..") else relative).as_posix()


def _servers(loaded: LoadedSpec, found: list[Diagnostic]) -> list[Server]:
    data = loaded.data
    if not isinstance(data, dict):
        hint = "start with `mcpmint-workspace: 1`"
        found.append(loaded.diagnostic("error", (), "expected a mapping", hint))
        return []
    found += _unknown_keys(loaded, data, (), _TOP_KEYS)
    if "mcpmint-workspace" not in data:
        hint = "start with `mcpmint-workspace: 1`"
        message = "missing required key 'mcpmint-workspace'"
        found.append(loaded.diagnostic("error", (), message, hint))
    elif data["mcpmint-workspace"] != 1:
        hint = "this mcpmint reads `mcpmint-workspace: 1`"
        message = "unsupported workspace format version"
        found.append(loaded.diagnostic("error", ("mcpmint-workspace",), message, hint))
    entries = data.get("servers")
    if not isinstance(entries, list) or not entries:
        hint = "list the specs: `servers: [{spec: specs/x.yaml, out: services/x}]`"
        where: JsonPath = ("servers",) if "servers" in data else ()
        message = "servers must be a non-empty list"
        if "servers" not in data:
            message = "missing required key 'servers'"
        found.append(loaded.diagnostic("error", where, message, hint))
        return []
    root = Path(os.path.abspath(loaded.path)).parent
    servers: list[Server] = []
    specs: dict[Path, int] = {}
    outs: dict[Path, tuple[int, Path]] = {}
    for i, entry in enumerate(entries):
        for server in _entry(loaded, entry, i, root, found):
            where = ("servers", i)
            if server.spec in specs:
                first = specs[server.spec]
                message = f"{_rel(server.spec, root)} is listed twice"
                hint = f"also in servers[{first}]"
                found.append(
                    loaded.diagnostic("error", (*where, "spec"), message, hint)
                )
                continue
            specs[server.spec] = i
            if server.out in outs:
                first, other = outs[server.out]
                message = (
                    f"out {_rel(server.out, root)} is also the project folder of"
                    f" {_rel(other, root)} (servers[{first}])"
                )
                hint = "each server needs its own project folder"
                at = (*where, "out") if isinstance(entry.get("out"), str) else where
                found.append(loaded.diagnostic("error", at, message, hint))
                continue
            if server.client is not None and server.client in (*outs, server.out):
                message = f"client {_rel(server.client, root)} is a project folder"
                hint = "a client-only package needs a folder of its own"
                found.append(
                    loaded.diagnostic("error", (*where, "client"), message, hint)
                )
                continue
            outs[server.out] = (i, server.spec)
            if server.client is not None:
                outs[server.client] = (i, server.spec)
            servers.append(server)
    return servers


def _entry(
    loaded: LoadedSpec, entry: Any, i: int, root: Path, found: list[Diagnostic]
) -> list[Server]:
    where: JsonPath = ("servers", i)
    if not isinstance(entry, dict):
        hint = "write `- spec: specs/x.yaml` (and `out: services/x`)"
        found.append(loaded.diagnostic("error", where, "expected a mapping", hint))
        return []
    found += _unknown_keys(loaded, entry, where, _ENTRY_KEYS)
    spec, out = entry.get("spec"), entry.get("out")
    if not isinstance(spec, str) or not spec:
        message = "missing required key 'spec'" if spec is None else "expected a path"
        at = where if spec is None else (*where, "spec")
        found.append(loaded.diagnostic("error", at, message))
        return []
    for key in ("out", "client"):
        value = entry.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            found.append(loaded.diagnostic("error", (*where, key), "expected a path"))
            return []
    client = entry.get("client")
    paths = _matches(root, spec)
    if not paths:
        hint = "paths are relative to the workspace file's folder"
        if _GLOB & set(spec):
            message = f"no file matches {spec!r}"
        else:
            message = f"spec {spec} does not exist"
        found.append(loaded.diagnostic("error", (*where, "spec"), message, hint))
        return []
    return [
        Server(path, _out(root, path, out), client and _out(root, path, client))
        for path in paths
    ]


def _matches(root: Path, spec: str) -> list[Path]:
    if not _GLOB & set(spec):
        path = Path(os.path.normpath(root / spec))
        return [path] if path.is_file() else []
    pattern = glob.escape(str(root)) + os.sep + spec
    found = (Path(p) for p in glob.glob(pattern, recursive=True))
    return sorted(Path(os.path.normpath(p)) for p in found if p.is_file())


def _out(root: Path, spec: Path, out: str | None) -> Path:
    if out is None:
        return spec.parent
    text = out.replace("{stem}", spec.stem).replace("{folder}", spec.parent.name)
    return Path(os.path.normpath(root / text))


def _unknown_keys(
    loaded: LoadedSpec, data: dict[str, Any], where: JsonPath, known: tuple[str, ...]
) -> list[Diagnostic]:
    found = []
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else "known keys: " + (", ".join(known))
            )
            message = f"unknown key {key!r}"
            found.append(loaded.diagnostic("error", (*where, key), message, hint))
    return found


def _rel(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()
