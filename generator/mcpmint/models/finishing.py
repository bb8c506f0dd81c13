"""Finishing, on the AST: final names, JSON scalar types (`_JsonInt` takes 1.0 but not
"1" or true; `_JsonNumber` keeps ints as ints), literals that tell true from 1, typed
extra properties, the checks, a class for every request, and ruff-clean imports."""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .astnodes import (
    Node,
    annotation,
    assign,
    call,
    class_def,
    defined_name,
    docstring_of,
    elements,
    literal,
    name_of,
    split_strings,
    subscript,
)
from .data import ModelClass
from .fields import model_classes
from .imports import INJECTED_IMPORTS, import_block
from .names import Names
from .plan import Plan
from .preamble import helpers_for, module_docstring
from .printing import print_body
from .pruning import unused_removed

_Imports = set[tuple[str, str, str | None]]  # (module, name, alias)
_SCALARS = {
    ("pydantic", "StrictInt"): "_JsonInt",
    ("pydantic", "StrictFloat"): "_JsonNumber",
    ("typing", "Dict"): "dict",
    ("typing", "List"): "list",
}


@dataclass(frozen=True, slots=True)
class Finished:
    """The finished module's text and its request classes."""

    source: str
    classes: tuple[ModelClass, ...]


def finished_module(
    plan: Plan,
    raw: str,
    imported: Mapping[str, tuple[str, str]] | None = None,
    roots: Collection[str] = (),
) -> Finished:
    """datamodel-code-generator's module, renamed, made exact and printed.

    `imported`: class name -> (module, name) of classes another package defines: their
    definitions, and what only they used, give way to an import. `roots`: classes kept
    besides the requests' (see `unused_removed`)."""
    return _Finisher(plan, imported or {}, roots).finish(raw)


class _Finisher:
    """Rewrites datamodel-code-generator's module into the final models module."""

    def __init__(
        self,
        plan: Plan,
        imported: Mapping[str, tuple[str, str]],
        roots: Collection[str],
    ) -> None:
        self.imported = dict(imported)
        self.roots = set(roots)
        self.defs = {d.key: d for d in plan.defs}
        self.local: dict[str, tuple[str, str]] = {}  # local name → (module, name)
        self.rename: dict[str, str] = {}  # codegen's definition names → final names
        self.classes: set[str] = set()
        self.string_names: set[str] = set()  # names used inside forward references

    def finish(self, raw: str) -> Finished:
        module = ast.parse(raw)
        imports: _Imports = set()
        body: list[ast.stmt] = []
        for stmt in module.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.module != "__future__":
                imports |= {(stmt.module or "", a.name, a.asname) for a in stmt.names}
            elif not isinstance(stmt, ast.ImportFrom):
                body.append(stmt)
        self.local = {asname or name: (mod, name) for mod, name, asname in imports}
        self.rename = self._renames(body)
        if missing := set(self.defs) - set(self.rename):
            raise RuntimeError(
                f"datamodel-code-generator dropped definitions {sorted(missing)}"
            )
        body = [self._request(self._statement(stmt)) for stmt in body]
        if self.imported:
            requests = {d.name for d in self.defs.values() if d.request}
            body = unused_removed(body, set(self.imported), requests | self.roots)
            imports |= {(m, n, local) for local, (m, n) in self.imported.items()}
        return self._print(body, imports)

    def _renames(self, body: list[ast.stmt]) -> dict[str, str]:
        """Final names for placeholders; codegen's own names unless they collide."""
        names = Names({d.name for d in self.defs.values()} | set(self.local))
        rename = {}
        for stmt in body:
            if (name := defined_name(stmt)) is not None:
                rename[name] = (
                    self.defs[name].name if name in self.defs else names.take(name)
                )
        return rename

    def _names(self, node: Node) -> Node:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in self.rename:
                sub.id = self.rename[sub.id]
        return node

    # -- type expressions --------------------------------------------------------------

    def _type(self, node: ast.expr) -> ast.expr:
        """A type with JSON scalars, literals that tell true from 1, final names."""
        if isinstance(node, ast.Name):
            scalar = _SCALARS.get(self.local.get(node.id, ("", "")))
            return ast.Name(scalar or self.rename.get(node.id, node.id), ast.Load())
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return self._forward_reference(node.value)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, ast.Tuple):
            return ast.Tuple([self._type(e) for e in node.elts], ast.Load())
        if isinstance(node, ast.BinOp):
            return ast.BinOp(self._type(node.left), node.op, self._type(node.right))
        return split_strings(self._names(node))  # Field(...) and other metadata

    def _forward_reference(self, text: str) -> ast.expr:
        inner = self._type(ast.parse(text, mode="eval").body)
        self.string_names |= {n.id for n in ast.walk(inner) if isinstance(n, ast.Name)}
        return ast.Constant(ast.unparse(inner))

    def _subscript(self, node: ast.Subscript) -> ast.expr:
        origin = self.local.get(name_of(node.value))
        if origin in (("typing", "Optional"), ("typing", "Union")):
            return self._union(elements(node.slice), origin == ("typing", "Optional"))
        if origin == ("typing", "Literal"):
            values = [ast.literal_eval(v) for v in elements(node.slice)]
            if any(isinstance(v, int) for v in values):
                return ast.Subscript(
                    ast.Name("_JsonLiteral", ast.Load()), node, ast.Load()
                )
            return node
        return ast.Subscript(self._type(node.value), self._type(node.slice), ast.Load())

    def _union(self, members_in: list[ast.expr], optional: bool) -> ast.expr:
        """`Union[a, b]`/`Optional[a]` as `a | b | None`, as ruff's UP007 wants, except
        around forward references: a string cannot take part in `|` at runtime."""
        members: list[ast.expr] = []
        for element in members_in:
            typed = self._type(element)
            if isinstance(typed, ast.Subscript) and name_of(typed.value) == "Union":
                members += elements(typed.slice)
            else:
                members.append(typed)
        nones = [m for m in members if isinstance(m, ast.Constant) and m.value is None]
        members = [m for m in members if m not in nones]
        members += [ast.Constant(None)] if nones or optional else []
        if any(
            isinstance(m, ast.Constant) and isinstance(m.value, str) for m in members
        ):
            return subscript("Union", members)
        result = members[0]
        for member in members[1:]:
            result = ast.BinOp(result, ast.BitOr(), member)
        return result

    # -- statements --------------------------------------------------------------------

    def _statement(self, stmt: ast.stmt) -> ast.stmt:
        if isinstance(stmt, ast.ClassDef):
            return self._class(stmt)
        if (name := defined_name(stmt)) is None:
            return self._names(stmt)
        assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
        value = self._type(stmt.value.args[1])
        checks = [_validator(c) for c in self._checks(name)]
        annotated = self.local.get(name_of(getattr(value, "value", value)))
        if checks and annotated == ("typing", "Annotated"):
            assert isinstance(value, ast.Subscript)
            value.slice = ast.Tuple([*elements(value.slice), *checks], ast.Load())
        elif checks:
            value = subscript("Annotated", [value, *checks])
        final = self.rename[name]
        alias = ast.Call(stmt.value.func, [ast.Constant(final), value], [])
        return ast.Assign([ast.Name(final, ast.Store())], alias, lineno=0)

    def _checks(self, name: str) -> list[list[Any]]:
        entry = self.defs.get(name)
        return entry.checks if entry is not None else []

    def _class(self, cls: ast.ClassDef) -> ast.ClassDef:
        head: list[ast.stmt] = []  # docstring, config, extra properties, checks
        fields: list[ast.stmt] = []
        for stmt in cls.body:
            target = name_of(stmt.targets[0]) if isinstance(stmt, ast.Assign) else ""
            if target == "__annotations__":  # codegen's way to type extra properties
                assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Dict)
                extra = self._type(stmt.value.values[0])
                head.append(annotation("__pydantic_extra__", extra))
            elif isinstance(stmt, ast.AnnAssign):
                stmt.annotation = self._type(stmt.annotation)
                if stmt.value is not None:
                    stmt.value = split_strings(self._names(stmt.value))
                fields.append(stmt)
            elif target == "model_config" or (
                docstring_of(stmt) is not None and not fields
            ):
                head.insert(len(head) if target else 0, stmt)
            else:
                fields.append(self._names(stmt))
        for check in self._checks(cls.name):
            validator = call("model_validator", [], mode=ast.Constant("before"))
            head.append(assign("_check_json_schema", call(validator, [_check(check)])))
        bases = [
            ast.Name("_JsonModel", ast.Load())
            if self.local.get(name_of(b)) == ("pydantic", "BaseModel")
            else self._type(b)
            for b in cls.bases
        ]
        self.classes.add(self.rename[cls.name])
        return class_def(self.rename[cls.name], bases, head + fields)

    def _request(self, stmt: ast.stmt) -> ast.stmt:
        """A request gets a class even if its schema is not an object."""
        name = defined_name(stmt)
        key = next((k for k, v in self.rename.items() if v == name), "")
        if (
            not isinstance(stmt, ast.Assign)
            or key not in self.defs
            or not self.defs[key].request
        ):
            return stmt
        assert name is not None and isinstance(stmt.value, ast.Call)
        value = stmt.value.args[1]
        self.classes.add(name)
        if isinstance(value, ast.Name) and value.id in self.classes:
            return class_def(name, [value], [])
        if isinstance(value, ast.Subscript) and name_of(value.value) == "dict":
            # A map of typed values: a model whose extra properties are those values.
            extra = annotation("__pydantic_extra__", value)
            return class_def(name, [ast.Name("_JsonModel", ast.Load())], [extra])
        config = call("ConfigDict", [], regex_engine=ast.Constant("python-re"))
        body = [assign("model_config", config), annotation("root", value)]
        return class_def(name, [subscript("RootModel", [value])], body)

    # -- printing ----------------------------------------------------------------------

    def _print(self, body: list[ast.stmt], imports: _Imports) -> Finished:
        used = {n.id for s in body for n in ast.walk(s) if isinstance(n, ast.Name)}
        helpers = helpers_for(used | self.string_names)
        preamble = "\n\n\n".join(h.source.strip("\n") for h in helpers)
        used |= self.string_names | {
            n.id for n in ast.walk(ast.parse(preamble)) if isinstance(n, ast.Name)
        }
        kept = {(m, n, a) for m, n, a in imports if (a or n) in used}
        provided = {a or n for _, n, a in kept}
        kept |= {
            (INJECTED_IMPORTS[n], n, None)
            for n in used - provided
            if n in INJECTED_IMPORTS
        }
        parts = [module_docstring(), "from __future__ import annotations"]
        code = print_body(body)
        text = "\n\n".join([*parts, import_block(kept), preamble, code]) + "\n"
        if "McpmintDef" in text or "McpmintHoisted" in text:
            raise RuntimeError("a placeholder name survived finishing")
        requests = [d.name for d in self.defs.values() if d.request]
        return Finished(text, model_classes(body, requests, kept))


def _check(check: list[Any]) -> ast.expr:
    """The callable that performs one runtime check."""
    kind, args = check[0], check[1:]
    if kind == "uniqueItems":
        return ast.Name("_unique_items", ast.Load())
    if kind == "never":
        return ast.Name("_reject", ast.Load())
    if kind == "enum":
        return split_strings(call("_OneOf", [literal(v) for v in args[0]]))
    if kind == "format":
        return call("_StringFormat", [ast.Constant(args[0])])
    if kind == "multipleOf":
        return call("_MultipleOf", [ast.Constant(args[0])])
    return call("_PropertyCount", [ast.Constant(a) for a in args])


def _validator(check: list[Any]) -> ast.expr:
    return call("BeforeValidator", [_check(check)])
