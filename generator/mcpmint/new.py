"""`mcpmint new`: scaffold a server project with copier, from mcpmint's own template."""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

# Questions whose answer is a list: `--data transports=stdio,http` is accepted as well
# as copier's own YAML spelling `--data 'transports=[stdio, http]'`.
_LIST_QUESTIONS = frozenset({"transports"})


def default_template() -> str:
    """The template inside the installed mcpmint: a folder with copier.yml on top."""
    return str(files("mcpmint._templates").joinpath("project"))


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

    try:
        run_copy(
            _source(template),
            dest,
            data=copier_answers(data),
            defaults=defaults,
            vcs_ref=vcs_ref,
            unsafe=True,
        )
    except (CopierError, ValueError) as exc:  # ValueError: an answer failed validation
        print(f"mcpmint new: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
