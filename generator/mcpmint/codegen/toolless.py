"""A server without tools (only prompts and/or resources): what the templates need to
say about it, decided here so that they only print."""

from __future__ import annotations

from dataclasses import replace

from mcpmint.codegen.ir import ProjectIR


def with_example_method(project: ProjectIR) -> ProjectIR:
    """`project` with the client method its docstrings show: the first tool's, else
    the first prompt's, else the first resource template's, else `read_resource`."""
    firsts = (
        *(t.func_name for t in project.tools[:1]),
        *(p.func_name for p in project.prompts[:1]),
        *(t.func_name for t in project.resource_templates[:1]),
        "read_resource",
    )
    return replace(project, example_method=firsts[0])
