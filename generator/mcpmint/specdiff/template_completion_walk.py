"""The `complete:` of a resource template in `mcpmint diff`: each variable's
completion, by what completion/complete answers a client. A variable whose schema has
an `enum` is completed from it: an enum edit is judged as a schema edit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcpmint.specdiff.rules import Change, as_mapping, canon, join, record


def compare_template_completion(
    out: list[Change],
    path: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    served: bool,
) -> None:
    """Each variable's completion removed (its candidates gone: clients get none, or,
    when the NEW server no longer answers completion/complete at all (`served`
    false), an error), added (clients gain candidates) or changed (other
    candidates)."""
    before, after = as_mapping(old.get("complete")), as_mapping(new.get("complete"))
    base = join(path, "complete")
    for name in sorted(before.keys() | after.keys()):
        at = join(base, str(name))
        if name not in after and not served:
            detail = (
                f"completion of variable '{name}' removed, and the server no longer"
                " answers completion/complete"
            )
            record(out, "resource-template-completion-unserved", at, detail)
        elif name not in after:
            detail = f"completion of variable '{name}' removed"
            record(out, "resource-template-completion-removed", at, detail)
        elif name not in before:
            detail = f"completion of variable '{name}' added"
            record(out, "resource-template-completion-added", at, detail)
        elif canon(before[name]) != canon(after[name]):
            detail = f"completion of variable '{name}' {_how(after[name])}"
            record(out, "resource-template-completion-changed", at, detail)


def _how(entry: Any) -> str:
    if isinstance(entry, Mapping) and entry.get("handler") is True:
        return "now by a handler"
    return "now offers other values"


def serves_completion(spec: Mapping[str, Any]) -> bool:
    """Whether a server generated from `spec` answers completion/complete: it has
    prompts, or some template variable has candidates (`complete:` or an `enum`)."""
    if spec.get("prompts"):
        return True
    templates = spec.get("resourceTemplates")
    for template in templates if isinstance(templates, list) else []:
        template = as_mapping(template)
        if as_mapping(template.get("complete")):
            return True
        variables = as_mapping(template.get("variables")).values()
        if any("enum" in as_mapping(schema) for schema in variables):
            return True
    return False
