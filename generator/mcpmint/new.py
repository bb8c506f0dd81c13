"""`mcpmint new`: scaffold a server project with copier, from mcpmint's own template."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import Any

# Questions whose answer is a list: `--data transports=stdio,http` is accepted as well
# as copier's own YAML spelling `--data 'transports=[stdio, http]'`.
_LIST_QUESTIONS = frozenset({"transports"})


def default_template() -> str:
    """The template inside the installed mcpmint: a folder with copier.yml on top."""
    return str(files("mcpmint._templates").joinpath("project"))


@dataclass(frozen=True)
class Source:
    """Where this mcpmint came from, as the new project's requirements spell it."""

    mcpmint: str  # the `dev` extra's and the pre-commit hook's requirement
    runtime: str | None  # the runtime's, when it is not on an index; else None
    local: str | None  # the folder, when installed from one (CI cannot reach it)


def mcpmint_source() -> Source:
    """An index install is pinned (`mcpmint==X`); a local folder (editable or not) or
    a VCS install is required from there (`mcpmint @ file:///...`, `@ git+...`), with
    the runtime from the same place: the index does not have that version."""
    version = metadata.version("mcpmint")
    origin = _direct_url("mcpmint")
    if origin is None:
        return Source(f"mcpmint=={version}", None, None)
    url = origin.get("url", "")
    vcs = origin.get("vcs_info")
    if isinstance(vcs, dict):
        ref = vcs.get("commit_id") or vcs.get("requested_revision")
        at = f"git+{url}@{ref}" if ref else f"git+{url}"
        runtime = f"mcpmint-runtime @ {at}#subdirectory=generator"
        return Source(f"mcpmint @ {at}", runtime, None)
    runtime_origin = _direct_url("mcpmint-runtime")
    runtime_url = (runtime_origin or {}).get("url") or url.rstrip("/") + "/generator"
    local = url.removeprefix("file://") if url.startswith("file://") else None
    return Source(f"mcpmint @ {url}", f"mcpmint-runtime @ {runtime_url}", local)


def _direct_url(distribution: str) -> dict[str, Any] | None:
    """PEP 610's direct_url.json of an installed distribution; None: from an index."""
    # Every copy on the path: a build's `*.egg-info` in the working folder can shadow
    # the installed one, and has no direct_url.json.
    for found in metadata.distributions(name=distribution):
        try:
            data = json.loads(found.read_text("direct_url.json") or "null")
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("url"):
            return data
    return None


def copier_answers(data: dict[str, str]) -> dict[str, Any]:
    """The `--data` answers as copier takes them (list questions as YAML lists)."""
    answers: dict[str, Any] = dict(data)
    for key in _LIST_QUESTIONS & answers.keys():
        value = answers[key].strip()
        if not value.startswith("["):
            answers[key] = "[" + value + "]"
    return answers


def _source(template: str | None) -> str:
    """The template to copy; a local path made absolute, for `copier update` to find."""
    if template is None:
        return default_template()
    return str(Path(template).resolve()) if Path(template).exists() else template


def _problem(dest: Path, template: str | None, vcs_ref: str | None) -> str | None:
    """Why the arguments cannot work, or None."""
    if vcs_ref is not None and template is None:
        return "--vcs-ref needs --template: the built-in template has no git history"
    if dest.exists() and not dest.is_dir():
        return f"{dest} exists and is not a directory"
    if dest.is_dir() and any(p.name != ".git" for p in dest.iterdir()):
        return f"{dest} is not empty: scaffold into a new or empty directory"
    return None


def new_project(
    dest: Path,
    *,
    data: dict[str, str],
    defaults: bool,
    template: str | None,
    vcs_ref: str | None,
) -> int:
    """Render the copier template into `dest` and run its tasks; the exit code.

    The template's tasks run `mcpmint generate` with this interpreter, so the template
    is trusted (copier's `--trust`): the built-in one, or the one named by `--template`.
    """
    problem = _problem(dest, template, vcs_ref)
    if problem is not None:
        print(f"mcpmint new: {problem}", file=sys.stderr)
        return 2
    # Imported only now: copier pulls in questionary, plumbum and more.
    from copier import run_copy
    from copier.errors import CopierError

    origin = mcpmint_source()
    answers = {
        "mcpmint_requirement": origin.mcpmint,
        "runtime_requirement": origin.runtime or "",
        **copier_answers(data),
    }
    try:
        run_copy(
            _source(template),
            dest,
            data=answers,
            defaults=defaults,
            vcs_ref=vcs_ref,
            unsafe=True,
        )
    except (CopierError, ValueError) as exc:  # ValueError: an answer failed validation
        print(f"mcpmint new: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    for line in _notes(origin, _source(template)):
        print(f"mcpmint new: {line}", file=sys.stderr)
    return 0


def _notes(origin: Source, template: str) -> list[str]:
    """What the user must know about installing and updating the new project."""
    notes = []
    if origin.local is not None:
        notes.append(
            f"mcpmint is installed from the folder {origin.local}: pyproject.toml's "
            "dev extra and the pre-commit hook install it from there, which works on "
            "this machine only; for CI, point them at a git URL or an index version"
        )
    if not (Path(template) / ".git").exists() and "://" not in template:
        if not template.startswith(("gh:", "gl:", "git@")):
            notes.append(
                "the template is not a git repository, so `copier update` cannot "
                "bring template changes to this project; to take them later, make "
                "projects with `mcpmint new --template <git URL or checkout of "
                "mcpmint>`"
            )
    return notes
