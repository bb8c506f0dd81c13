"""The start of every generated models module, taken from the real module helpers.py.

helpers.py is ordinary, linted and type-checked Python: its docstring is the generated
module's docstring, and each helper below is the run of its statements that ends with
the helper's definition. The file is read as text, never imported.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from importlib import resources

# The helpers, in the order of helpers.py (and of the generated modules).
HELPER_NAMES = (
    "_JsonModel",
    "_JsonInt",
    "_JsonNumber",
    "_JsonLiteral",
    "_json_key",
    "_unique_items",
    "_MultipleOf",
    "_OneOf",
    "_reject",
    "_PropertyCount",
    "_StringFormat",
)
# Helpers taken from another real module: name in models.py → (package, file, name).
_FOREIGN = {"_format_problem": ("mcpmint.schema", "formats.py", "format_problem")}


@dataclass(frozen=True, slots=True)
class Helper:
    """One helper: its source text and the other helpers it uses."""

    name: str
    source: str
    needs: frozenset[str]


def helpers_source() -> str:
    """The text of helpers.py."""
    return resources.files(__package__ or "").joinpath("helpers.py").read_text("utf-8")


def module_docstring() -> str:
    """The generated module's docstring, quotes included."""
    return _parsed().docstring


def helpers_for(used: set[str]) -> list[Helper]:
    """The helpers the body uses (and those they use), in the order of helpers.py."""
    helpers = _parsed().helpers
    wanted = {"_JsonModel"} | (used & set(helpers))
    wanted |= {need for name in wanted for need in helpers[name].needs}
    return [helper for name, helper in helpers.items() if name in wanted]


@dataclass(frozen=True, slots=True)
class _Parsed:
    docstring: str
    helpers: dict[str, Helper]


@functools.cache
def _parsed() -> _Parsed:
    text = helpers_source()
    module = ast.parse(text)
    first = module.body[0]
    docstring = ast.get_source_segment(text, first)
    if not isinstance(first, ast.Expr) or docstring is None:
        raise RuntimeError("helpers.py must start with the module docstring")
    groups = _groups([s for s in module.body[1:] if not _is_import(s)])
    lines = text.splitlines(keepends=True)
    defined = {name: _defined(group) for name, group in groups.items()}
    helpers = {}
    for name, group in groups.items():
        source = "".join(lines[group[0].lineno - 1 : group[-1].end_lineno])
        used = {n.id for s in group for n in ast.walk(s) if isinstance(n, ast.Name)}
        needs = {other for other in groups if other != name and used & defined[other]}
        helpers[name] = Helper(name, source, frozenset(needs))
    foreign = {name: _foreign(name, *where) for name, where in _FOREIGN.items()}
    for helper in helpers.values():
        words = set(re.findall(r"\w+", helper.source))
        all_needs = helper.needs | (words & set(foreign))
        helpers[helper.name] = Helper(helper.name, helper.source, all_needs)
    return _Parsed(docstring, {**foreign, **helpers})


def _foreign(local: str, package: str, file: str, name: str) -> Helper:
    """One function of another module, renamed; it must import what it uses itself."""
    text = resources.files(package).joinpath(file).read_text("utf-8")
    function = next(
        s
        for s in ast.parse(text).body
        if isinstance(s, ast.FunctionDef) and s.name == name
    )
    lines = text.splitlines(keepends=True)
    source = "".join(lines[function.lineno - 1 : function.end_lineno])
    renamed = source.replace(f"def {name}(", f"def {local}(", 1)
    return Helper(local, renamed, frozenset())


def _groups(statements: list[ast.stmt]) -> dict[str, list[ast.stmt]]:
    groups: dict[str, list[ast.stmt]] = {}
    current: list[ast.stmt] = []
    for stmt in statements:
        current.append(stmt)
        names = _defined([stmt]) & set(HELPER_NAMES)
        if names:
            groups[names.pop()] = current
            current = []
    if current or list(groups) != list(HELPER_NAMES):
        raise RuntimeError("helpers.py does not hold exactly HELPER_NAMES, in order")
    return groups


def _defined(statements: list[ast.stmt]) -> set[str]:
    names = set()
    for stmt in statements:
        if isinstance(stmt, (ast.ClassDef, ast.FunctionDef)):
            names.add(stmt.name)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
        elif isinstance(stmt, ast.Assign):
            names |= {t.id for t in stmt.targets if isinstance(t, ast.Name)}
    return names


def _is_import(stmt: ast.stmt) -> bool:
    return isinstance(stmt, (ast.Import, ast.ImportFrom))
