"""Generated class names: PascalCase from schema words, unique, never reserved."""

from __future__ import annotations

from mcpmint.spec.naming import schema_class_name as pascal

__all__ = ["RESERVED", "Names", "pascal"]

# Names the finished module imports or defines; a generated class never takes one.
RESERVED = frozenset(
    "Annotated Any ClassVar Dict List Literal Optional Union TypeAlias TypeAliasType "
    "TypeVar BaseModel ConfigDict Field RootModel MISSING StrictStr StrictInt "
    "StrictFloat StrictBool StrictBytes BeforeValidator WrapValidator Fraction "
    "ValidatorFunctionWrapHandler Model None True False Ellipsis NotImplemented "
    "ValueError TypeError Exception OverflowError".split()
)


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
