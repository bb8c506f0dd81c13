"""Generated class names: PascalCase from schema words, unique, never reserved."""

from __future__ import annotations

import re

# Names the finished module imports or defines; a generated class never takes one.
RESERVED = frozenset(
    "Annotated Any ClassVar Dict List Literal Optional Union TypeAlias TypeAliasType "
    "TypeVar BaseModel ConfigDict Field RootModel MISSING StrictStr StrictInt "
    "StrictFloat StrictBool StrictBytes BeforeValidator WrapValidator Fraction "
    "ValidatorFunctionWrapHandler Model None True False Ellipsis NotImplemented "
    "ValueError TypeError Exception OverflowError".split()
)


def pascal(text: str) -> str:
    """`get-forecast` → `GetForecast`; a name never starts with a digit."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", text) if w]
    name = "".join(w[0].upper() + w[1:] for w in words)
    return name if name and not name[0].isdigit() else "N" + name


class Names:
    """Class names: unique, and never a name the module imports or defines."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = set(taken) | RESERVED

    def take(self, wanted: str) -> str:
        name = wanted if wanted not in self.taken else wanted + "Model"
        number = 2
        while name in self.taken:
            name, number = f"{wanted}Model{number}", number + 1
        self.taken.add(name)
        return name
