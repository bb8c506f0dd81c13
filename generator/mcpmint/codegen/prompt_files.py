"""The files prompts add to a project: prompts.json (generated) and the handlers of
prompts built in code and of arguments completed in code (user-owned, written
once, beside the tools' handlers)."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

import jinja2

from mcpmint.codegen.ir import ProjectIR
from mcpmint.output.files import RenderedFile


def handler_modules(project: ProjectIR) -> list[str]:
    """Every handler module server.py imports, sorted as isort sorts them."""
    names = [t.func_name for t in project.tools]
    for prompt in project.prompts:
        if prompt.handler:
            names.append(prompt.func_name)
        if prompt.complete_handler:
            names.append(prompt.complete_func)
    names += [r.func_name for r in project.resources if r.func_name]
    names += [t.func_name for t in project.resource_templates]
    names += [t.complete_func for t in project.resource_templates if t.complete_handler]
    return sorted(names)


def prompts_json(project: ProjectIR, header: str) -> str:
    """The served Prompt objects and their messages, as data the server loads."""
    data = {
        "@generated": header.splitlines()[0].lstrip("# "),
        "prompts": [json.loads(p.data_json) for p in project.prompts],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def prompt_files(
    project: ProjectIR, context: dict[str, Any], env: jinja2.Environment
) -> dict[PurePosixPath, RenderedFile]:
    """prompts.json and the handler stubs of the prompts (none without prompts)."""
    if not project.prompts:
        return {}
    pkg = project.server.package
    files = {
        PurePosixPath(pkg, "prompts.json"): RenderedFile(
            prompts_json(project, context["header"]), "generated"
        )
    }
    for prompt in project.prompts:
        stubs = []
        if prompt.handler:
            stubs.append(("scaffold/prompt_handler.py.jinja", prompt.func_name))
        if prompt.complete_handler:
            stubs.append(("scaffold/complete_handler.py.jinja", prompt.complete_func))
        for template, module in stubs:
            text = env.get_template(template).render({**context, "q": prompt})
            files[PurePosixPath(pkg, "handlers", f"{module}.py")] = RenderedFile(
                text, "user"
            )
    return files
