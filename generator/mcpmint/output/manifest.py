"""Which files of a project mcpmint generated: the manifest, and the fallbacks.

`generate` removes a generated file once the spec no longer produces it (a removed
tool's test, the whole old package after `server.package` changed) and `check`
reports it as extra. It must know what it generated, not guess it from the header
(a user's own file may quote the header). So every build holds a manifest,
`mcpmint-generated.txt` at the project's root: itself generated, committed with the
project, one path per line. A fresh clone and CI have it, unlike the disk cache.

What was generated before, in order: the manifest on disk; else the record of the
last `generate` in the disk cache (`written`); else, for a project written before
manifests existed, the files carrying the generated header in the package and
`tests/` folders (the old way). A listed file is removed only while it still carries
the header: a user who took a generated file over by deleting its header keeps it.

The manifest also says what kind of output the folder holds: a server project (no
`# kind:` line, as before) or a client-only package (`# kind: client-only`), so that
`generate` and `check` of one kind refuse a folder of the other instead of replacing
it or reporting every file missing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath
from typing import Literal

from mcpmint.output import written
from mcpmint.output.files import GENERATED_MARK, RenderedFile

MANIFEST = PurePosixPath("mcpmint-generated.txt")
_HEADER = (
    f"# {GENERATED_MARK}: the files it generates in this project, removed by it once\n"
    "# the spec no longer produces them. Commit it with them. DO NOT EDIT.\n"
)
# Where generated files of a project without a manifest are looked for.
_SCAN_SUFFIXES = (".py", ".md", ".json")


Kind = Literal["server", "client-only"]
_KIND_LINE = re.compile(r"^# kind: (\S+)\s*$", re.MULTILINE)


def with_manifest(
    files: Mapping[PurePosixPath, RenderedFile], kind: Kind = "server"
) -> dict[PurePosixPath, RenderedFile]:
    """`files` and the manifest listing their generated ones."""
    listed = sorted(str(rel) for rel, f in files.items() if f.owner == "generated")
    text = _HEADER + ("" if kind == "server" else f"# kind: {kind}\n")
    text += "".join(f"{rel}\n" for rel in listed if rel != str(MANIFEST))
    return dict(sorted({**files, MANIFEST: RenderedFile(text, "generated")}.items()))


def project_kind(out: Path) -> str | None:
    """What `out` holds: its manifest's kind (`server` without a `# kind:` line;
    another mcpmint's kinds as written); without a manifest, a client-only
    package when its pyproject.toml is generated (a server's is the user's), a server
    project when there is another; None for a folder with neither."""
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pyproject = out / "pyproject.toml"
        if not pyproject.is_file():
            return None
        return "client-only" if is_generated(pyproject) else "server"
    found = _KIND_LINE.search(text)
    return found.group(1) if found else "server"


def is_generated(path: Path) -> bool:
    """Whether a file on disk carries the generated header (in its first three
    lines)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            head = [handle.readline() for _ in range(3)]
    except OSError:
        return False
    return any(GENERATED_MARK in line for line in head)


def listed(out: Path) -> list[PurePosixPath] | None:
    """The paths the manifest in `out` lists (only relative ones inside `out`); None
    without a manifest."""
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    paths = []
    for line in text.splitlines():
        rel = PurePosixPath(line.strip())
        if line.strip() and not line.startswith("#") and _inside(rel):
            paths.append(rel)
    return paths


def _inside(rel: PurePosixPath) -> bool:
    return not rel.is_absolute() and ".." not in rel.parts and "\\" not in str(rel)


def generated_before(out: Path, package: str) -> list[PurePosixPath]:
    """What mcpmint generated in `out` before this run (see the module's text)."""
    found = listed(out)
    if found is not None:
        return found
    recorded = [PurePosixPath(rel) for rel in written.recorded(out)]
    if recorded:
        return [rel for rel in recorded if _inside(rel)]
    return _sniffed(out, package)


def _sniffed(out: Path, package: str) -> list[PurePosixPath]:
    found = []
    for folder in (out / package, out / "tests"):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix in _SCAN_SUFFIXES:
                    found.append(PurePosixPath(path.relative_to(out).as_posix()))
    return found


def stale_generated(
    files: Collection[PurePosixPath], out: Path, package: str
) -> list[PurePosixPath]:
    """Files mcpmint generated before that this build no longer produces and that
    still carry the generated header."""
    return sorted(
        rel
        for rel in set(generated_before(out, package))
        if rel not in files and (out / rel).is_file() and is_generated(out / rel)
    )


def old_packages(stale: Collection[PurePosixPath], package: str) -> list[str]:
    """Package folders other than `package` that stale generated files lived in."""
    return sorted(
        {
            rel.parts[0]
            for rel in stale
            if len(rel.parts) > 1 and rel.parts[0] not in (package, "tests")
        }
    )
