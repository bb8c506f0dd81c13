"""Render the IR into files in memory: path → text, plus who owns each file."""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Sequence
from importlib.resources.abc import Traversable
from pathlib import PurePosixPath
from typing import Any

import jinja2
import jinja2.bccache

from mcpmint.codegen.ir import ProjectIR, ResourceIR, TemplateIR
from mcpmint.codegen.prompt_files import handler_modules, prompt_files
from mcpmint.codegen.template_completion import completions_data
from mcpmint.output import cache
from mcpmint.output.files import GENERATED_MARK, RenderedFile
from mcpmint.output.pins import RUNTIME_RANGE, RUNTIME_REQUIREMENT
from mcpmint.spec.naming import pascal
from mcpmint.spec.packages import SharedPackage

_CHUNK = 64


def templates_root() -> Traversable:
    """The templates folder, from the wheel or the source tree."""
    return importlib.resources.files("mcpmint._templates")


def py_str(value: str | float | None) -> str:
    """A Python expression for a string: one literal, or short literals in parentheses.

    (A float or None, as repr prints it: `0.5`.)"""
    if value is None or isinstance(value, float):
        return repr(value)
    if len(value) <= _CHUNK:
        return repr(value)
    pieces = [repr(value[i : i + _CHUNK]) for i in range(0, len(value), _CHUNK)]
    return "(\n" + "\n".join(pieces) + "\n)"


def docstring(text: str, indent: str = "") -> str:
    """Text made safe inside a triple-quoted docstring, wrapped to fit 88 columns."""
    import textwrap

    safe = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    safe = "".join(
        c if c.isprintable() or c == "\n" else f"\\u{ord(c):04x}" for c in safe
    )
    lines: list[str] = []
    for paragraph in safe.strip().splitlines() or [""]:
        # Never break inside a word: an escape like \u0009 must stay whole.
        wrapped = textwrap.wrap(
            paragraph,
            width=80 - len(indent),
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines += wrapped or [""]
    text = ("\n" + indent).join(lines).rstrip() or "(no description)"
    # A quote right before the closing triple quote would make four in a row.
    return text + " " if text.endswith('"') else text


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates in the disk cache (output/cache.py): compiling them costs
    more than rendering. Keyed on the template's name, Jinja's version and the
    options below; Jinja itself checks the source's checksum and Python's version."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = cache.read_bytes("jinja", self._entry(bucket))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        cache.write_bytes("jinja", self._entry(bucket), bucket.bytecode_to_string())

    def _entry(self, bucket: jinja2.bccache.Bucket) -> str:
        return cache.key(_JINJA_KEY, bucket.key.encode())


_OPTIONS: dict[str, Any] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    "autoescape": False,
}
_JINJA_KEY = f"jinja {jinja2.__version__} {sorted(_OPTIONS.items())}".encode()


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_CompiledTemplates(),
        **_OPTIONS,
    )
    env.filters["py"] = py_str
    env.filters["docstring"] = docstring
    env.filters["tojson_compact"] = _tojson_compact
    return env


def _tojson_compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _load_template(name: str) -> str:
    return templates_root().joinpath(*name.split("/")).read_text(encoding="utf-8")


_ENV = _environment()

# Generated files rendered from templates: template → output path ({pkg} filled in).
_CODEGEN = {
    "codegen/__init__.py.jinja": "{pkg}/__init__.py",
    "codegen/__main__.py.jinja": "{pkg}/__main__.py",
    "codegen/server.py.jinja": "{pkg}/server.py",
    "codegen/settings.py.jinja": "{pkg}/settings.py",
    "codegen/context.py.jinja": "{pkg}/context.py",
    "codegen/examples.py.jinja": "{pkg}/examples.py",
    "codegen/client.py.jinja": "{pkg}/client.py",
    # Re-exports for handlers written before 0.2 (`from ..runtime import ToolContext`).
    "codegen/runtime.py.jinja": "{pkg}/runtime.py",
    "codegen/README.md.jinja": "README.md",
    "codegen/tests/test_server.py.jinja": "tests/test_{pkg}.py",
}
_SCAFFOLD = {
    "scaffold/pyproject.toml.jinja": "pyproject.toml",
    "scaffold/handlers_init.py.jinja": "{pkg}/handlers/__init__.py",
    "scaffold/lifespan.py.jinja": "{pkg}/lifespan.py",
    "scaffold/conftest.py.jinja": "tests/conftest.py",
}


def python_header(project: ProjectIR) -> str:
    """The two comment lines every generated Python file starts with."""
    return (
        f"# {GENERATED_MARK} from {_one_line(project.spec_path)}. DO NOT EDIT.\n"
        f"# Regenerate: {_one_line(project.regenerate)}\n"
    )


def _one_line(text: str) -> str:
    return text.replace("\n", " ").replace("\r", " ")


def tools_json(project: ProjectIR, header: str) -> str:
    """The served Tool objects and the examples, as data the server loads at import."""
    data = {
        "@generated": header.splitlines()[0].lstrip("# "),
        "tools": [json.loads(t.tool_json) for t in project.tools],
        "examples": {
            t.wire_name: [
                {
                    "arguments": json.loads(e.arguments_json),
                    "result": json.loads(e.result_json or "null"),
                }
                for e in t.examples
            ]
            for t in project.tools
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def shared_provenance_text(shared: Sequence[SharedPackage]) -> str:
    """models.py's record of the shared schema packages it imports ("" for none)."""
    if not shared:
        return ""
    entries = {
        p.package: {"requirement": p.requirement, "file": p.path, "sha256": p.digest}
        for p in shared
    }
    return (
        "\n\n# The shared schema packages these models import: the distribution, the\n"
        "# shared file each was generated from and that file's sha256. The server\n"
        "# refuses to start, and the client warns, when an installed one differs.\n"
        f"SHARED_SCHEMAS: dict[str, dict[str, str]] = {entries!r}\n"
    )


def client_class_name(package: str) -> str:
    """The typed client's class: `weather_server` → `WeatherClient`."""
    return pascal(package.removesuffix("_server")) + "Client"


def template_context(project: ProjectIR) -> dict[str, Any]:
    """What every template sees; `pkg` is the server's package."""
    pkg = project.server.package
    return {
        "p": project,
        "s": project.server,
        "pkg": pkg,
        "header": python_header(project),
        "client_class": client_class_name(pkg),
        "runtime_range": RUNTIME_RANGE,
        "runtime_requirement": RUNTIME_REQUIREMENT,
        "handler_modules": handler_modules(project),
    }


def models_text(project: ProjectIR) -> str:
    """models.py: the header, then the models' source."""
    return (
        python_header(project)
        + "\n"
        + project.models_source
        + shared_provenance_text(project.shared)
    )


def render_template(template: str, context: dict[str, Any]) -> str:
    """One template (a path under the templates folder) rendered."""
    return _ENV.get_template(template).render(context)


def render(project: ProjectIR) -> dict[PurePosixPath, RenderedFile]:
    """Every file of the project, in memory."""
    context = template_context(project)
    pkg, header = project.server.package, context["header"]
    files: dict[PurePosixPath, RenderedFile] = {}
    for template, target in _CODEGEN.items():
        files[PurePosixPath(target.format(pkg=pkg))] = RenderedFile(
            render_template(template, context), "generated"
        )
    files[PurePosixPath(pkg, "tools.json")] = RenderedFile(
        tools_json(project, header), "generated"
    )
    # PEP 561: a consumer's type checker reads the package's annotations (the client,
    # the models). Only a "partial" line has meaning there; the header is comments.
    files[PurePosixPath(pkg, "py.typed")] = RenderedFile(header, "generated")
    files[PurePosixPath(pkg, "models.py")] = RenderedFile(
        models_text(project), "generated"
    )
    for template, target in _SCAFFOLD.items():
        files[PurePosixPath(target.format(pkg=pkg))] = RenderedFile(
            _ENV.get_template(template).render(context), "user"
        )
    for tool in project.tools:
        text = _ENV.get_template("scaffold/handler.py.jinja").render(
            {**context, "t": tool}
        )
        files[PurePosixPath(pkg, "handlers", f"{tool.func_name}.py")] = RenderedFile(
            text, "user"
        )
    files.update(prompt_files(project, context, _ENV))
    if project.resources or project.resource_templates:
        files.update(_resource_files(project, context))
    return dict(sorted(files.items()))


def _resource_files(
    project: ProjectIR, context: dict[str, Any]
) -> dict[PurePosixPath, RenderedFile]:
    """resources.json and the stubs of the resource and template handlers."""
    pkg = project.server.package
    data = {
        "@generated": context["header"].splitlines()[0].lstrip("# "),
        "resources": [json.loads(r.resource_json) for r in project.resources],
        "resourceTemplates": [
            json.loads(t.template_json) for t in project.resource_templates
        ],
        "contents": [json.loads(r.contents_json or "{}") for r in project.resources],
        # Not served: what `generate` compares to list template handlers to review.
        "variables": {
            t.name: json.loads(t.variables_json) for t in project.resource_templates
        },
    }
    if project.complete_templates:
        data["completions"] = completions_data(project)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    files = {PurePosixPath(pkg, "resources.json"): RenderedFile(text, "generated")}
    stub = _ENV.get_template("scaffold/resource_handler.py.jinja")
    readers: list[ResourceIR | TemplateIR] = [
        r for r in project.resources if r.func_name
    ]
    for entry in [*readers, *project.resource_templates]:
        path = PurePosixPath(pkg, "handlers", f"{entry.func_name}.py")
        files[path] = RenderedFile(stub.render({**context, "r": entry}), "user")
    completer = _ENV.get_template("scaffold/complete_template_handler.py.jinja")
    for template in project.resource_templates:
        if template.complete_handler:
            path = PurePosixPath(pkg, "handlers", f"{template.complete_func}.py")
            text = completer.render({**context, "r": template})
            files[path] = RenderedFile(text, "user")
    return files
