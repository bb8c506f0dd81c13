"""Import statements as ruff's isort writes them, and where injected names come from."""

from __future__ import annotations

import sys
from collections.abc import Iterable

# Names injected code uses, and where they come from when codegen has not imported them.
INJECTED_IMPORTS = {
    "Annotated": "typing",
    "Any": "typing",
    "TypeAlias": "typing",
    "TypeVar": "typing",
    "Union": "typing",
    "Fraction": "fractions",
    "BaseModel": "pydantic",
    "BeforeValidator": "pydantic",
    "ConfigDict": "pydantic",
    "RootModel": "pydantic",
    "StrictFloat": "pydantic",
    "StrictInt": "pydantic",
    "ValidationInfo": "pydantic",
    "ValidatorFunctionWrapHandler": "pydantic",
    "WrapValidator": "pydantic",
    "model_validator": "pydantic",
}


def import_block(imports: set[tuple[str, str, str | None]]) -> str:
    """Imports sorted as ruff's isort wants them: standard library, then third party."""
    sections: list[list[str]] = [[], []]
    for module in sorted({m for m, _, _ in imports}):
        section = sections[0 if module.split(".")[0] in sys.stdlib_module_names else 1]
        section += from_imports(module, {(n, a) for m, n, a in imports if m == module})
    return "\n\n".join("\n".join(s) for s in sections if s)


def from_imports(module: str, names: Iterable[tuple[str, str | None]]) -> list[str]:
    """`from module import ...` statements as ruff's isort writes them: the plain names
    (alias None) in one statement, each renamed one in its own, ordered by their first
    name, plain before renamed."""
    unique = set(names)
    plain = sorted({n for n, a in unique if a is None}, key=_import_key)
    # (key of the first name, plain before renamed, text)
    lines = (
        [(_import_key(plain[0]), 0, f"from {module} import {', '.join(plain)}")]
        if plain
        else []
    )
    for name, alias in sorted((n, a) for n, a in unique if a is not None):
        lines.append((_import_key(name), 1, f"from {module} import {name} as {alias}"))
    return [line for *_, line in sorted(lines)]


def _import_key(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions."""
    if name.isupper() and len(name) > 1:
        return 0, name
    return (1 if name[0].isupper() else 2), name
