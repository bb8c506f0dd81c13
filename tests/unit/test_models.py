"""Behaviour of `mcpmint.models.render_models`: JSON Schema in, Pydantic models out."""

from __future__ import annotations

import importlib.util
import itertools
import os
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import black
import pytest
import yaml
from mcpmint.models import ModelRequest, ModelsSource, render_models
from pydantic import BaseModel, ValidationError

SCHEMAS = Path(__file__).parent / "schemas"
_counter = itertools.count()

POINT = {
    "type": "object",
    "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
    "required": ["x", "y"],
    "additionalProperties": False,
}


def render(
    schemas: dict[str, dict[str, Any]], defs: dict[str, Any] | None = None
) -> ModelsSource:
    requests = [
        ModelRequest(name, schema, name.lower(), "inputSchema")
        for name, schema in schemas.items()
    ]
    return render_models(requests, defs or {})


def load(source: str, directory: Path) -> ModuleType:
    name = f"generated_models_{next(_counter)}"
    path = directory / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def build(
    tmp_path: Path,
    schemas: dict[str, dict[str, Any]],
    defs: dict[str, Any] | None = None,
) -> ModuleType:
    return load(render(schemas, defs).source, tmp_path)


def accepts(model: type[BaseModel], value: Any) -> bool:
    try:
        model.model_validate(value)
    except ValidationError:
        return False
    return True


def round_trip(model: type[BaseModel], value: Any) -> Any:
    parsed = model.model_validate(value)
    return parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)


def spec_requests(path: Path) -> tuple[list[ModelRequest], dict[str, Any]]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    requests = [
        ModelRequest(
            f"{tool['name'].title().replace('_', '')}{where[:-6].title()}",
            tool[where],
            tool["name"],
            where,
        )
        for tool in spec["tools"]
        for where in ("inputSchema", "outputSchema")
        if where in tool
    ]
    return requests, spec.get("$defs", {})


# -- null, absence and defaults --------------------------------------------------------


def test_an_explicit_null_is_rejected_for_an_optional_property_that_is_not_nullable(
    tmp_path: Path,
) -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}}}
    model = build(tmp_path, {"Args": schema}).Args

    assert accepts(model, {})
    assert accepts(model, {"name": "x"})
    assert not accepts(model, {"name": None})


def test_a_nullable_property_takes_null_and_an_absent_one_stays_absent(
    tmp_path: Path,
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": ["string", "null"]},
            "b": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        },
        "required": ["a"],
    }
    model = build(tmp_path, {"Args": schema}).Args

    assert round_trip(model, {"a": None}) == {"a": None}
    assert round_trip(model, {"a": "x", "b": None}) == {"a": "x", "b": None}
    assert not accepts(model, {})
    assert model.model_validate({"a": None}).b is not None  # MISSING, not None


def test_defaults_fill_absent_properties_but_are_not_sent_back(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "days": {"type": "integer", "minimum": 1, "default": 3},
            "bad_default": {"type": "integer", "default": "three"},
        },
    }
    model = build(tmp_path, {"Args": schema}).Args

    assert model.model_validate({}).days == 3
    assert round_trip(model, {}) == {}
    assert round_trip(model, {"days": 3}) == {"days": 3}
    assert not accepts(model, {"bad_default": "three"})


# -- scalars ---------------------------------------------------------------------------


def test_integers_take_integral_floats_but_not_strings_booleans_or_fractions(
    tmp_path: Path,
) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "maximum": 5}}}
    model = build(tmp_path, {"Args": schema}).Args

    assert round_trip(model, {"n": 5.0}) == {"n": 5}
    assert [accepts(model, {"n": v}) for v in ("1", True, 1.5, 6, 6.0)] == [False] * 5


def test_numbers_keep_their_kind_and_reject_booleans_and_strings(
    tmp_path: Path,
) -> None:
    schema = {"type": "object", "properties": {"x": {"type": "number", "minimum": 0}}}
    model = build(tmp_path, {"Args": schema}).Args

    assert round_trip(model, {"x": 2}) == {"x": 2}
    assert isinstance(round_trip(model, {"x": 2})["x"], int)
    assert round_trip(model, {"x": 0.5}) == {"x": 0.5}
    assert [accepts(model, {"x": v}) for v in ("1.5", True, -1)] == [False] * 3


def test_enum_literals_tell_true_from_one_as_json_does(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "level": {"enum": [1, 2]},
            "flag": {"const": True},
            "mixed": {"enum": [1, True, "1"]},
        },
    }
    model = build(tmp_path, {"Args": schema}).Args

    assert accepts(model, {"level": 1.0}) and not accepts(model, {"level": True})
    assert accepts(model, {"flag": True}) and not accepts(model, {"flag": 1})
    assert round_trip(model, {"mixed": 1.0}) == {"mixed": 1}
    assert round_trip(model, {"mixed": True}) == {"mixed": True}
    assert not accepts(model, {"mixed": "true"})


def test_enum_values_a_literal_cannot_hold_are_checked_by_json_equality(
    tmp_path: Path,
) -> None:
    schema = {
        "type": "object",
        "properties": {"v": {"enum": [1.5, {"a": [1]}, [True]]}},
    }
    model = build(tmp_path, {"Args": schema}).Args

    assert all(accepts(model, {"v": v}) for v in (1.5, {"a": [1.0]}, [True]))
    assert not any(accepts(model, {"v": v}) for v in (2.5, {"a": [True]}, [1], "x"))


def test_patterns_are_searched_anywhere_with_python_regular_expressions(
    tmp_path: Path,
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "loose": {"type": "string", "pattern": "b+"},
            "behind": {"type": "string", "pattern": "(?<=a)b"},
        },
    }
    model = build(tmp_path, {"Args": schema}).Args

    assert accepts(model, {"loose": "abba"}) and not accepts(model, {"loose": "aaa"})
    assert accepts(model, {"behind": "cab"}) and not accepts(model, {"behind": "cb"})


def test_multiple_of_is_computed_as_jsonschema_computes_it(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "cents": {"type": "number", "multipleOf": 0.01},
            "even": {"type": "integer", "multipleOf": 2},
        },
    }
    model = build(tmp_path, {"Args": schema}).Args

    assert accepts(model, {"cents": 12.34}) and not accepts(model, {"cents": 0.001})
    # jsonschema divides floats: 19.99 / 0.01 is 1998.9999999999998, so 19.99 fails.
    assert not accepts(model, {"cents": 19.99})
    assert accepts(model, {"even": 4.0}) and not accepts(model, {"even": 3})


# -- arrays and objects ----------------------------------------------------------------


def test_unique_items_compares_items_as_json_values(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"tags": {"type": "array", "uniqueItems": True}},
    }
    model = build(tmp_path, {"Args": schema}).Args

    assert accepts(model, {"tags": [1, True, "1", [1], {"a": 1}]})
    assert not accepts(model, {"tags": [1, 1.0]})
    assert not accepts(model, {"tags": [{"a": 1, "b": 2}, {"b": 2, "a": 1}]})


def test_extra_properties_are_kept_when_allowed_typed_when_typed_rejected_when_closed(
    tmp_path: Path,
) -> None:
    item = {"type": "object", "properties": {"a": {"type": "integer"}}}
    models = build(
        tmp_path,
        {
            "Open": item,
            "Closed": {**item, "additionalProperties": False},
            "Typed": {**item, "additionalProperties": {"type": "string"}},
        },
    )

    assert round_trip(models.Open, {"a": 1, "z": [None]}) == {"a": 1, "z": [None]}
    assert not accepts(models.Closed, {"a": 1, "z": 1})
    assert round_trip(models.Typed, {"z": "s"}) == {"z": "s"}
    assert not accepts(models.Typed, {"z": 1})


def test_keyword_builtin_and_reserved_property_names_round_trip_by_wire_name(
    tmp_path: Path,
) -> None:
    names = ["class", "from", "type", "id", "list", "dict", "str", "model_config"]
    names += ["model_dump", "schema", "json", "copy", "validate", "fields", "construct"]
    names += ["first-name", "first_name", "2fa", "@type", "$ref", "", " ", "_private"]
    names += ["__dunder__", "MISSING", "Any", "Field", "None", "self", "café", "a.b"]
    schema = {
        "type": "object",
        "properties": {n: {"type": "string"} for n in names},
        "required": ["class"],
        "additionalProperties": False,
    }
    model = build(tmp_path, {"Args": schema}).Args
    value = {n: f"value of {n}" for n in names}

    assert round_trip(model, value) == value
    assert model.model_validate(value).class_ == "value of class"
    assert not accepts(
        model, {"class_": "x", "class": "y"}
    )  # Python names are not wire names
    assert not accepts(model, {"first-name": "x"})  # class is required


# -- references and names --------------------------------------------------------------


def test_recursive_refs_validate_values_at_any_depth(tmp_path: Path) -> None:
    defs = {
        "Tree": {
            "type": "object",
            "properties": {
                "value": {"type": "integer"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}},
            },
            "required": ["value"],
        },
        "Nested": {"type": "array", "items": {"$ref": "#/$defs/Nested"}},
        "Ping": {"type": "array", "items": {"$ref": "#/$defs/Pong"}},
        "Pong": {"anyOf": [{"type": "integer"}, {"$ref": "#/$defs/Ping"}]},
    }
    schema = {
        "type": "object",
        "properties": {
            "tree": {"$ref": "#/$defs/Tree"},
            "nested": {"$ref": "#/$defs/Nested"},
            "ping": {"$ref": "#/$defs/Ping"},
            "again": {"$ref": "#"},
        },
    }
    model = build(tmp_path, {"Args": schema}, defs).Args
    deep = {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]}

    assert round_trip(model, {"tree": deep}) == {"tree": deep}
    assert not accepts(model, {"tree": {"value": 1, "children": [{"value": "x"}]}})
    assert accepts(model, {"nested": [[], [[[]]]]}) and not accepts(
        model, {"nested": [[1]]}
    )
    assert accepts(model, {"ping": [1, [2, [3]]]}) and not accepts(
        model, {"ping": [["x"]]}
    )
    assert accepts(model, {"again": {"again": {}}}) and not accepts(model, {"again": 1})


def test_shared_defs_become_one_class_used_by_every_tool(tmp_path: Path) -> None:
    uses = {"type": "object", "properties": {"at": {"$ref": "#/$defs/Point"}}}
    result = render({"First": uses, "Second": uses}, {"Point": POINT, "Unused": POINT})
    models = load(result.source, tmp_path)

    assert result.source.count("class Point(") == 1
    assert "Unused" not in result.source
    assert (
        models.First.model_fields["at"].annotation
        is models.Second.model_fields["at"].annotation
    )


def test_def_names_never_take_a_request_name_or_a_name_the_module_imports(
    tmp_path: Path,
) -> None:
    defs = {"Args": POINT, "Literal": {"enum": ["a"]}, "Field": POINT, "Item": POINT}
    schema = {
        "type": "object",
        "properties": {
            "item": {"type": "object", "properties": {"x": {"type": "string"}}},
            **{k.lower(): {"$ref": f"#/$defs/{k}"} for k in defs},
        },
    }
    models = build(tmp_path, {"Args": schema, "Item": schema}, defs)

    assert issubclass(models.Args, BaseModel) and "item" in models.Args.model_fields
    assert accepts(models.Args, {"args": {"x": 1, "y": 2}, "literal": "a"})
    assert not accepts(models.Args, {"literal": "b"})


def test_request_class_names_are_kept_exactly_even_when_not_pascal_case(
    tmp_path: Path,
) -> None:
    schema = {
        "type": "object",
        "properties": {"get_forecastInput": {"type": "object", "properties": {}}},
    }
    models = build(tmp_path, {"Get_forecastInput": schema, "lowercase": schema})

    assert issubclass(models.Get_forecastInput, BaseModel)
    assert issubclass(models.lowercase, BaseModel)


def test_a_request_whose_schema_is_a_ref_or_not_an_object_still_gets_a_class(
    tmp_path: Path,
) -> None:
    models = build(
        tmp_path,
        {
            "ByRef": {"$ref": "#/$defs/Point", "type": "object"},
            "Anything": {},
            "Either": {"oneOf": [{"$ref": "#/$defs/Point"}, {"type": "string"}]},
        },
        {"Point": POINT},
    )

    assert issubclass(models.ByRef, models.Point)
    assert round_trip(models.Anything, {"k": [1]}) == {"k": [1]}
    assert round_trip(models.Either, "s") == "s"
    assert not accepts(models.Either, {"x": 1})


# -- what a model cannot check ---------------------------------------------------------


def test_constructs_a_model_cannot_check_are_reported_and_left_looser(
    tmp_path: Path,
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "n": {"not": {"type": "string"}},
            "c": {
                "type": "object",
                "if": {"required": ["a"]},
                "then": {"required": ["b"]},
            },
            "p": {
                "type": "object",
                "patternProperties": {"^x": {"type": "integer"}},
                "additionalProperties": False,
            },
            "o": {"oneOf": [{"type": "number"}, {"type": "integer"}]},
            "r": {"type": "string", "pattern": "(?<name>a)"},
            "ok": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        },
        "dependentRequired": {"n": ["c"]},
    }
    result = render({"Args": schema})
    model = load(result.source, tmp_path).Args

    assert {(u.class_name, u.tool, u.pointer) for u in result.unfaithful} == {
        ("Args", "args", "inputSchema.dependentRequired"),
        ("Args", "args", "inputSchema.properties.n.not"),
        ("Args", "args", "inputSchema.properties.c.if"),
        ("Args", "args", "inputSchema.properties.p.patternProperties"),
        ("Args", "args", "inputSchema.properties.o.oneOf"),
        ("Args", "args", "inputSchema.properties.r.pattern"),
    }
    assert all(u.reason for u in result.unfaithful)
    looser = {"n": "s", "c": {"a": 1}, "p": {"x": "s", "y": 1}, "o": 1, "r": "b"}
    assert accepts(model, looser)


def test_a_tool_that_reaches_an_unfaithful_shared_def_is_reported_through_it() -> None:
    defs = {"Odd": {"not": {"const": 0}}}
    uses = {"type": "object", "properties": {"odd": {"$ref": "#/$defs/Odd"}}}
    result = render({"First": uses, "Second": {"type": "object"}}, defs)

    assert [(u.class_name, u.pointer) for u in result.unfaithful] == [
        ("First", "$defs.Odd.not")
    ]


# -- the module as a whole -------------------------------------------------------------


def test_descriptions_with_quotes_backslashes_and_long_lines_stay_plain_text(
    tmp_path: Path,
) -> None:
    text = 'He said """hi""" \\ and \' or "; ' + "word " * 40 + "\x00end"
    schema = {
        "type": "object",
        "description": text,
        "properties": {
            "a": {"type": "string", "description": text, "pattern": "x" * 200}
        },
    }
    model = build(tmp_path, {"Args": schema}).Args

    assert accepts(model, {"a": "x" * 200}) and not accepts(model, {"a": "x"})
    assert "He said" in (model.__doc__ or "")


def test_one_datamodel_code_generator_call_renders_a_whole_spec(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datamodel_code_generator

    calls = []
    original = datamodel_code_generator.generate

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(datamodel_code_generator, "generate", counting)
    requests, defs = spec_requests(SCHEMAS / "realistic.yaml")
    render_models(requests, defs)

    assert len(requests) > 1 and len(calls) == 1


def test_the_module_is_byte_identical_across_hash_seeds() -> None:
    script = (
        "import hashlib, sys, yaml\n"
        "from pathlib import Path\n"
        "from mcpmint.models import ModelRequest, render_models\n"
        "digest = hashlib.sha256()\n"
        "for path in sorted(Path(sys.argv[1]).glob('*.yaml')):\n"
        "    spec = yaml.safe_load(path.read_text())\n"
        "    requests = [ModelRequest(f'T{i}{w}', t[w], t['name'], w)\n"
        "                for i, t in enumerate(spec['tools'])\n"
        "                for w in ('inputSchema', 'outputSchema') if w in t]\n"
        "    result = render_models(requests, spec.get('$defs', {}))\n"
        "    digest.update(result.source.encode())\n"
        "    digest.update(repr(result.unfaithful).encode())\n"
        "print(digest.hexdigest())\n"
    )
    digests = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(SCHEMAS)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(done.stdout.strip())

    assert len(digests) == 1


def test_the_module_after_black_is_ruff_and_mypy_strict_clean(tmp_path: Path) -> None:
    paths = []
    for spec in sorted(SCHEMAS.glob("*.yaml")):
        requests, defs = spec_requests(spec)
        source = render_models(requests, defs).source
        formatted = black.format_str(source, mode=black.Mode())
        path = tmp_path / f"models_{spec.stem}.py"
        path.write_text(formatted, encoding="utf-8")
        paths.append(str(path))
    venv_bin = Path(sys.executable).parent

    ruff = subprocess.run(
        [str(venv_bin / "ruff"), "check", "--isolated", "--no-cache"]
        + ["--select", "E,F,I,UP,B", "--target-version", "py311", *paths],
        capture_output=True,
        text=True,
    )
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
        + ["--cache-dir", str(tmp_path / ".mypy_cache"), *paths],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )

    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_every_corpus_module_imports_without_warnings(tmp_path: Path) -> None:
    for spec in sorted(SCHEMAS.glob("*.yaml")):
        requests, defs = spec_requests(spec)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            module = load(render_models(requests, defs).source, tmp_path)
        for request in requests:
            assert issubclass(getattr(module, request.class_name), BaseModel)


# --- reading results leniently ------------------------------------------------------

IGNORE = {"unknown_properties": "ignore"}


def test_a_result_read_leniently_leaves_out_unknown_properties_at_every_depth(
    tmp_path: Path,
) -> None:
    """The typed client's way to read results: closed models drop what they do not
    know (nested, in arrays, in unions and in a root union); open models keep it, and
    the old schema's other checks stay."""
    inner = {**POINT, "required": ["x"]}
    module = build(
        tmp_path,
        {
            "Result": {
                "type": "object",
                "properties": {
                    "p": inner,
                    "ps": {"type": "array", "items": inner},
                    "u": {"anyOf": [inner, {"type": "null"}]},
                    "open": {"type": "object", "properties": {"a": {"type": "string"}}},
                    "counts": {
                        "type": "object",
                        "additionalProperties": {"type": "integer"},
                    },
                },
                "required": ["p"],
                "additionalProperties": False,
            },
            "Either": {"anyOf": [inner, {**POINT, "required": ["y"]}]},
        },
    )
    new = {"x": 1, "z": 3}
    data = {"p": new, "ps": [new], "u": new, "open": {"b": 2}, "counts": {"n": 1}}
    strict = pytest.raises(ValidationError, match="Extra inputs are not permitted")
    with strict:
        module.Result.model_validate({**data, "w": 1})
    read = module.Result.model_validate({**data, "w": 1}, context=IGNORE)
    assert read.model_dump(mode="json", exclude_unset=True) == {
        **data, "p": {"x": 1}, "ps": [{"x": 1}], "u": {"x": 1}
    }  # fmt: skip
    assert module.Either.model_validate(new, context=IGNORE).model_dump(
        mode="json", exclude_unset=True
    ) == {"x": 1}
    with pytest.raises(ValidationError, match="valid number"):
        module.Result.model_validate({"p": {"x": "1", "z": 3}}, context=IGNORE)
    with pytest.raises(ValidationError, match="valid integer"):
        module.Result.model_validate({**data, "counts": {"n": "a"}}, context=IGNORE)


def test_a_closed_models_property_count_read_leniently_counts_known_properties(
    tmp_path: Path,
) -> None:
    """maxProperties is checked before the unknown properties are left out, so it
    counts only those the model knows; read strictly, every property counts."""
    closed = {**POINT, "required": [], "maxProperties": 2}
    module = build(tmp_path, {"Result": closed})
    data = {"x": 1, "y": 2, "z": 3}
    assert module.Result.model_validate(data, context=IGNORE).model_dump() == {
        "x": 1,
        "y": 2,
    }
    with pytest.raises(ValidationError, match="more than 2 properties"):
        module.Result.model_validate(data)
