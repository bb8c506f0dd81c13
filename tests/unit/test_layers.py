"""The generator's imports point one way (cli -> pipeline -> stages -> helpers), and
never in a circle; the runtime imports nothing of the generator.

Every import counts, also those inside functions (the stages are imported lazily) and
those for type checking only: a layer that needs a higher one is in the wrong place.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "generator"

# Top to bottom. A module may import from its own unit and from any layer below its own.
LAYERS = (
    ("mcpmint.__main__",),
    ("mcpmint.cli", "mcpmint"),  # the command, and the public API (`mcpmint/__init__`)
    ("mcpmint.workspace",),  # many specs at once: above the single-spec diff
    ("mcpmint.importer", "mcpmint.new", "mcpmint.specdiff"),
    ("mcpmint.import_prompts",),  # what importer reads of prompts
    ("mcpmint.import_resources",),  # what importer reads of resources
    ("mcpmint.import_hints",),  # what importer reads of caching hints
    ("mcpmint.pipeline",),
    ("mcpmint.codegen",),
    ("mcpmint.models",),
    ("mcpmint.output",),
    ("mcpmint.spec",),
    ("mcpmint.schema",),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def imported(name: str, path: Path, known: Collection[str]) -> Iterator[str]:
    """Every module `path` imports, relative imports resolved.

    `from package import name` imports the module `package.name` when there is one, else
    `package` (whose `name` it takes)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if full in known else base


def unit(name: str) -> str:
    """The unit a module belongs to: its layer entry (a module or a subpackage)."""
    for layer in LAYERS:
        for entry in layer:
            if name == entry or name.startswith(entry + "."):
                if entry == "mcpmint" and name != "mcpmint":
                    continue
                return entry
    raise AssertionError(f"{name} is in no layer: add it to LAYERS")


def rank(entry: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if entry in layer)


def internal_edges() -> dict[str, set[str]]:
    known = modules("mcpmint")
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        edges[name] = {
            m for m in imported(name, path, known) if m in known and m != name
        }
    return edges


def test_every_module_of_the_generator_is_in_a_layer() -> None:
    assert {unit(name) for name in modules("mcpmint")} <= {
        e for layer in LAYERS for e in layer
    }


def test_imports_point_down_the_layers_only() -> None:
    wrong = []
    for name, targets in internal_edges().items():
        for target in targets:
            src, dst = unit(name), unit(target)
            if src != dst and rank(dst) <= rank(src):
                wrong.append(f"{name} imports {target} ({src} -> {dst})")
    assert wrong == []


def test_the_generator_has_no_import_cycles() -> None:
    edges = internal_edges()
    cycles = []
    state: dict[str, int] = {}  # 1: on the stack, 2: done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from mcpmint.spec import load\n", {"mcpmint.spec.load"}),
        ("from ..output import cache\n", {"mcpmint.output.cache"}),
        ("from mcpmint.spec.naming import pascal\n", {"mcpmint.spec.naming"}),
        ("def f():\n    import mcpmint.pipeline\n", {"mcpmint.pipeline"}),
    ],
)
def test_the_import_reader_sees_absolute_relative_and_lazy_imports(
    tmp_path: Path, source: str, expected: set[str]
) -> None:
    path = tmp_path / "x.py"
    path.write_text(source, encoding="utf-8")
    known = {"mcpmint.spec.load", "mcpmint.output.cache", "mcpmint.spec.naming"}
    assert set(imported("mcpmint.codegen.x", path, known)) == expected


GENERATOR_ONLY = (
    "mcpmint",
    "black",
    "datamodel_code_generator",
    "copier",
    "jinja2",
    "yaml",
)


def test_the_runtime_imports_nothing_of_the_generator_or_its_libraries() -> None:
    known = modules("mcpmint_runtime")
    wrong = [
        f"{name} imports {target}"
        for name, path in known.items()
        for target in imported(name, path, known)
        if target.split(".")[0] in GENERATOR_ONLY
    ]
    assert wrong == []
