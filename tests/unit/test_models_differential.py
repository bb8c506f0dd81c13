"""Differential test: the generated models and jsonschema agree on accept and reject.

Every tool schema of the corpus (tests/unit/schemas/*.yaml) and of specs/*.yaml becomes
models, one module per file, which then meet instances: schema-guided candidates (with
valid scalars from hypothesis-jsonschema) and, for each, every mutation at a drawn
place (odd values, nudged numbers, dropped and added keys, repeated items). The model
(`model_validate` on the JSON-decoded value) and `jsonschema.Draft202012Validator`
(formats off) must agree; where the renderer reports the model as unfaithful, the
model must accept everything the schema accepts. What both accept must round-trip
through `model_dump(mode="json", by_alias=True, exclude_unset=True)`.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import math
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from mcpmint.models import ModelRequest, ModelsSource, render_models
from mcpmint.spec.keyword_rules import FORMAT_CHECKER
from mcpmint.spec.load import load_spec as mcpmint_load_spec
from mcpmint.spec.refs import inline_external_refs

ROOT = Path(__file__).resolve().parents[2]
SPEC_FILES = sorted((Path(__file__).parent / "schemas").glob("*.yaml")) + sorted(
    (ROOT / "specs").glob("*.yaml")
)
EXAMPLES = 50

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
ODD_VALUES = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.0,
    1.5,
    -0.5,
    2**64,
    "",
    "1",
    "x",
    [],
    {},
    [None],
    {"": 0},
]


def class_name(tool: str, where: str) -> str:
    words = [w for w in re.split(r"[^0-9A-Za-z]+", tool) if w]
    return "".join(w[0].upper() + w[1:] for w in words) + (
        "Input" if where == "inputSchema" else "Output"
    )


def load_spec(path: Path) -> tuple[dict[str, Any], list[ModelRequest]]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "yaml#" in json.dumps(
        spec
    ):  # refs into other files: inline them as mcpmint does
        loaded = mcpmint_load_spec(path)
        assert not inline_external_refs(loaded)
        spec = loaded.data
    defs = spec.get("$defs") or {}
    requests = [
        ModelRequest(class_name(tool["name"], where), tool[where], tool["name"], where)
        for tool in spec.get("tools") or []
        for where in ("inputSchema", "outputSchema")
        if isinstance(tool.get(where), dict)
    ]
    return defs, requests


def bundled(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """The schema as the server publishes it: the spec's $defs bundled with its own."""
    return {**schema, "$defs": {**defs, **(schema.get("$defs") or {})}}


def import_source(source: str, directory: Path, name: str) -> ModuleType:
    path = directory / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Rendered:
    """One spec file rendered and imported."""

    def __init__(self, path: Path, directory: Path) -> None:
        self.defs, self.requests = load_spec(path)
        self.result: ModelsSource = render_models(self.requests, self.defs)
        self.module = import_source(
            self.result.source, directory, f"models_{abs(hash(path))}"
        )
        self.loose = {u.class_name for u in self.result.unfaithful}


@pytest.fixture(scope="module")
def rendered(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[Path, Rendered]]:
    directory = tmp_path_factory.mktemp("models")
    cache: dict[Path, Rendered] = {}

    class Lazy(dict[Path, Rendered]):
        def __missing__(self, path: Path) -> Rendered:
            cache[path] = Rendered(path, directory)
            return cache[path]

    yield Lazy()


def cases() -> list[Any]:
    found = []
    for path in SPEC_FILES:
        for request in load_spec(path)[1]:
            found.append(
                pytest.param(
                    path, request.class_name, id=f"{path.stem}-{request.class_name}"
                )
            )
    return found


# -- instance strategies ---------------------------------------------------------------


def resolve(ref: str, root: dict[str, Any]) -> Any:
    node: Any = root
    for token in ref.lstrip("#").split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or token not in node:
            return True
        node = node[token]
    return node


def guided(node: Any, root: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Candidates shaped by the schema: mostly valid, not always (the judge decides)."""
    if depth > 4 or not isinstance(node, dict):
        return JSON_LEAVES if depth > 4 else JSON_VALUES
    if "$ref" in node:  # its siblings, when there are any, mostly repeat what it says
        target = resolve(node["$ref"], root)
        return st.deferred(lambda: guided(target, root, depth + 1))
    options: list[st.SearchStrategy[Any]] = []
    if "const" in node:
        return st.just(node["const"])
    if isinstance(node.get("enum"), list) and node["enum"]:
        return st.sampled_from(node["enum"])
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(node.get(key), list):
            options += [guided(branch, root, depth + 1) for branch in node[key]]
    if "type" in node:
        types = node["type"]
        for kind in [types] if isinstance(types, str) else types:
            options.append(typed(kind, node, root, depth))
    elif not options:
        options.append(JSON_VALUES)
        for kind in ("integer", "number", "string", "array", "object"):
            options.append(typed(kind, node, root, depth + 1))
    return st.one_of(options) if options else JSON_VALUES


def typed(
    kind: str, node: dict[str, Any], root: dict[str, Any], depth: int
) -> st.SearchStrategy[Any]:
    if kind in SCALARS and (valid := leaf_values(kind, node)) is not None:
        return st.one_of(valid, valid, valid, typed_candidates(kind, node, root, depth))
    return typed_candidates(kind, node, root, depth)


def typed_candidates(
    kind: str, node: dict[str, Any], root: dict[str, Any], depth: int
) -> st.SearchStrategy[Any]:
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "number"):
        return numbers(kind, node)
    if kind == "string":
        return strings(node)
    if kind == "array":
        low = int(node.get("minItems", 0))
        high = int(node.get("maxItems", low + 3))
        prefix = [guided(s, root, depth) for s in node.get("prefixItems", [])]
        rest = guided(node.get("items", {}), root, depth)
        lists = st.lists(
            rest,
            min_size=max(0, low - len(prefix)),
            max_size=max(0, min(high, low + 3) - len(prefix)),
        )
        return st.tuples(*prefix).flatmap(
            lambda head: lists.map(lambda tail: [*head, *tail])
        )
    if kind == "object":
        properties = node.get("properties") or {}
        required = [r for r in node.get("required", []) if isinstance(r, str)]
        fixed = {k: guided(properties.get(k, {}), root, depth) for k in required}
        optional = {
            k: guided(v, root, depth) for k, v in properties.items() if k not in fixed
        }
        extra = node.get("additionalProperties", True)
        values = guided(extra, root, depth) if isinstance(extra, dict) else JSON_LEAVES
        extras = st.dictionaries(st.text(max_size=5), values, max_size=2)
        extras = st.one_of(st.just({}), st.just({}), extras)
        objects = st.tuples(
            st.fixed_dictionaries(fixed, optional=optional), extras
        ).map(lambda p: {**p[1], **p[0]})
        least = node.get("minProperties", 0)
        return objects.filter(lambda o: len(o) >= least) if least else objects
    return JSON_VALUES


def numbers(kind: str, node: dict[str, Any]) -> st.SearchStrategy[Any]:
    bounds = [
        node[k]
        for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
        if isinstance(node.get(k), (int, float))
    ]
    near = [b + d for b in bounds for d in (-1, -0.5, 0, 0.5, 1) if math.isfinite(b)]
    low = max(
        [
            math.ceil(node[k])
            for k in ("minimum", "exclusiveMinimum")
            if isinstance(node.get(k), (int, float))
        ],
        default=-50,
    )
    high = min(
        [
            math.floor(node[k])
            for k in ("maximum", "exclusiveMaximum")
            if isinstance(node.get(k), (int, float))
        ],
        default=low + 100,
    )
    ints = st.integers(min_value=min(low, high), max_value=max(low, high))
    options = [ints, ints.map(float), st.sampled_from(near or [0])]
    factor = node.get("multipleOf")
    if isinstance(factor, (int, float)) and factor > 0:
        options.append(
            st.integers(min_value=-40, max_value=40).map(lambda k: k * factor)
        )
    if kind == "number":
        options.append(st.floats(min_value=-100, max_value=100))
    return st.one_of(options)


def strings(node: dict[str, Any]) -> st.SearchStrategy[str]:
    low = int(node.get("minLength", 0))
    high = int(node.get("maxLength", low + 6))
    options = [
        st.text(min_size=low, max_size=high),
        st.text(min_size=max(0, low - 1), max_size=high + 1),
    ]
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        try:
            options.append(
                st.from_regex(re.compile(pattern)).filter(lambda s: len(s) <= high + 1)
            )
        except (
            Exception
        ):  # a pattern hypothesis cannot generate from (or Python cannot compile)
            pass
    return st.one_of(options)


SCALARS = ("null", "boolean", "integer", "number", "string")
SCALAR_KEYWORDS = {
    "type",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
}
SCALAR_KEYWORDS |= {
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "enum",
    "const",
    "description",
}


def leaf_values(kind: str, node: dict[str, Any]) -> st.SearchStrategy[Any] | None:
    """Valid scalars from hypothesis-jsonschema.

    Only for scalar leaves: hypothesis-jsonschema 0.23 draws objects through a private
    Hypothesis API (`many.more()`) that the installed Hypothesis no longer has.
    """
    from hypothesis_jsonschema import from_schema

    if not set(node) <= SCALAR_KEYWORDS:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # it warns about patterns Python cannot compile
            strategy = from_schema({**node, "type": kind})
            strategy.validate()
        return strategy
    except Exception:  # a pattern it cannot generate from, a keyword it does not know
        return None


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, prefix + (index,))
    return found


def mutants(value: Any, path: tuple[Any, ...], extra: Any) -> Iterator[Any]:
    """Every mutation of `value` at `path`: odd replacements, nudged numbers, dropped
    and added keys, repeated items."""
    target = value
    for step in path:
        target = target[step]
    for replacement in [*ODD_VALUES, extra]:
        yield replace(copy.deepcopy(value), path, replacement)
    if isinstance(target, (int, float)) and not isinstance(target, bool):
        for delta in (-1, 1, 0.5, -0.5, 1e-9):
            yield replace(copy.deepcopy(value), path, target + delta)
        yield replace(copy.deepcopy(value), path, float(target))
    if isinstance(target, str):
        yield replace(copy.deepcopy(value), path, target + "!")
        yield replace(copy.deepcopy(value), path, target[:-1])
    if isinstance(target, dict):
        for key in target:
            changed = copy.deepcopy(value)
            inner = changed
            for step in path:
                inner = inner[step]
            del inner[key]
            yield changed
        for key in ("extra", "class_", "first_name", "field_2fa", "model_config_"):
            yield replace(copy.deepcopy(value), path, {**target, key: extra})
    if isinstance(target, list) and target:
        yield replace(copy.deepcopy(value), path, [*target, copy.deepcopy(target[0])])
        yield replace(copy.deepcopy(value), path, target[1:])


def replace(value: Any, path: tuple[Any, ...], replacement: Any) -> Any:
    if not path:
        return replacement
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = replacement
    return value


# -- the check -------------------------------------------------------------------------


def json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(json_equal, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def agree(
    model: type[BaseModel],
    validator: Draft202012Validator,
    instance: Any,
    faithful: bool,
) -> None:
    try:
        instance = json.loads(json.dumps(instance, allow_nan=False))
    except ValueError:
        return
    try:
        expected = validator.is_valid(instance)
    except Exception:  # jsonschema cannot judge: a dangling $ref, a broken pattern
        return
    try:
        parsed = model.model_validate(copy.deepcopy(instance))
    except ValidationError as error:
        assert not expected, f"model rejects valid {instance!r}:\n{error}"
        return
    if faithful and not expected:
        reason = next(validator.iter_errors(instance)).message
        raise AssertionError(f"model accepts invalid {instance!r}: {reason}")
    if expected:
        dumped = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
        assert json_equal(dumped, instance), (
            f"round trip changed {instance!r} into {dumped!r}"
        )


@pytest.mark.parametrize(("path", "name"), cases())
def test_model_and_jsonschema_agree(
    rendered: dict[Path, Rendered], path: Path, name: str
) -> None:
    spec = rendered[path]
    request = next(r for r in spec.requests if r.class_name == name)
    schema = bundled(dict(request.schema), spec.defs)
    model = getattr(spec.module, name)
    # formats as mcpmint enforces them (jsonschema alone treats them as annotations)
    validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    faithful = name not in spec.loose
    candidates = guided(schema, schema)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(candidates, st.data())
    def check(instance: Any, data: st.DataObject) -> None:
        agree(model, validator, instance, faithful)
        where = st.sampled_from(paths(instance))
        for path in data.draw(st.lists(where, min_size=1, max_size=2, unique=True)):
            for mutant in mutants(instance, path, data.draw(JSON_VALUES)):
                agree(model, validator, mutant, faithful)

    check()
