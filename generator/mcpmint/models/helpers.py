"""Pydantic models of the tools' inputs and outputs, from their schemas.

Validate wire data with `Model.model_validate(data)`: a model accepts what its JSON
Schema accepts (where it cannot, mcpmint validates with jsonschema first). Serialize
with `model.model_dump(mode="json", by_alias=True, exclude_unset=True)`: wire names,
unknown properties kept, and only what was set, so validated data comes back as it
came in (defaults a client left out stay out). An absent optional property is
`MISSING`, not None (None is JSON null). Integers accept 1.0 (kept as 1) but never "1"
or true; numbers keep their int or float kind; patterns are Python regular
expressions, searched as jsonschema does. Properties whose names are not identifiers
are set by wire name: `Model.model_validate({"class": ...})`.
"""

# This file is the start of every generated models.py, with every helper: the finisher
# (models/preamble.py) copies the docstring above and, of the definitions below, those
# the module uses. A helper is the run of statements that ends with its definition.
# The generator reads this file as text; it never imports it.

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any, TypeAlias, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictFloat,
    StrictInt,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)

from mcpmint.schema.formats import format_problem as _format_problem


def _known_only(model: type[BaseModel], data: Any, info: ValidationInfo) -> Any:
    # Read leniently (a typed client reading a result), a closed model leaves out
    # the properties it does not know: a newer server may have added them.
    if (
        isinstance(info.context, dict)
        and info.context.get("unknown_properties") == "ignore"
        and isinstance(data, dict)
        and model.model_config.get("extra") == "forbid"
    ):
        known = {f.alias or name for name, f in model.model_fields.items()}
        return {key: value for key, value in data.items() if key in known}
    return data


class _JsonModel(BaseModel):
    """Unknown properties kept, patterns searched with Python's re, wire names out.

    A closed model (`additionalProperties: false`) rejects unknown properties, unless
    validated with `context={"unknown_properties": "ignore"}`: then it leaves them
    out, nested models too. The typed client reads results so, since a newer server
    may add properties; a server validates its own outputs strictly.
    """

    model_config = ConfigDict(
        extra="allow",
        protected_namespaces=(),
        regex_engine="python-re",
        serialize_by_alias=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _unknown_left_out(cls, data: Any, info: ValidationInfo) -> Any:
        return _known_only(cls, data, info)


def _integral_float_as_int(value: Any) -> Any:
    # JSON Schema counts 1.0 as an integer; the strict int still rejects "1" and true.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_JsonInt: TypeAlias = Annotated[StrictInt, BeforeValidator(_integral_float_as_int)]


_JsonNumber: TypeAlias = StrictInt | StrictFloat


_T = TypeVar("_T")


def _same_json_type(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # A Literal alone takes true for 1 (or 1.0) and 1 for true; JSON keeps them apart.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = handler(value)
    if isinstance(value, bool) is not isinstance(result, bool):
        raise ValueError("booleans and numbers are different JSON values")
    return result


_JsonLiteral: TypeAlias = Annotated[_T, WrapValidator(_same_json_type)]


def _json_key(value: Any) -> Any:
    # Equal keys for equal JSON values: 1 and 1.0 alike, true apart from 1.
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, bool) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, (list, tuple)):
        return ("array", tuple(map(_json_key, value)))
    if isinstance(value, dict):
        return ("object", frozenset((k, _json_key(v)) for k, v in value.items()))
    return ("number" if isinstance(value, (int, float)) else "string", value)


def _unique_items(value: Any) -> Any:
    if isinstance(value, list):
        seen: set[Any] = set()
        for index, item in enumerate(value):
            key = _json_key(item)
            if key in seen:
                raise ValueError(f"item {index} repeats an earlier item (uniqueItems)")
            seen.add(key)
    return value


class _MultipleOf:
    """multipleOf as jsonschema computes it: a float factor divides, an int takes %."""

    def __init__(self, factor: float) -> None:
        self.factor = factor

    def __call__(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value
        if isinstance(self.factor, int):
            whole = not value % self.factor
        else:
            try:
                quotient = value / self.factor
                whole = int(quotient) == quotient
            except OverflowError:
                whole = (Fraction(value) / Fraction(self.factor)).denominator == 1
        if not whole:
            raise ValueError(f"not a multiple of {self.factor}")
        return value


class _OneOf:
    """enum/const values a Literal cannot hold (fractions, objects, arrays)."""

    def __init__(self, *values: Any) -> None:
        self.values = values
        self.keys = frozenset(map(_json_key, values))

    def __call__(self, value: Any) -> Any:
        if _json_key(value) not in self.keys:
            raise ValueError(f"not one of {list(self.values)!r}")
        return value


def _reject(value: Any) -> Any:
    raise ValueError("no value is valid here")


class _PropertyCount:
    """minProperties / maxProperties; of a model read leniently, only the properties
    it knows count (its own check runs before _JsonModel's leaves the others out)."""

    def __init__(self, minimum: int, maximum: int | None) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.model: type[BaseModel] | None = None

    def __set_name__(self, owner: type[BaseModel], name: str) -> None:
        self.model = owner

    def __call__(self, value: Any, info: ValidationInfo) -> Any:
        if self.model is not None:
            value = _known_only(self.model, value, info)
        if isinstance(value, dict):
            if len(value) < self.minimum:
                raise ValueError(f"fewer than {self.minimum} properties")
            if self.maximum is not None and len(value) > self.maximum:
                raise ValueError(f"more than {self.maximum} properties")
        return value


class _StringFormat:
    """`format`, checked on strings (date-time, email, uri, uuid, ipv4, ...)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            problem = _format_problem(self.name, value)
            if problem is not None:
                raise ValueError(problem)
        return value
