"""The models cache is keyed on everything that decides the models, and gives back what
a fresh render gives; the request classes' fields come out as data."""

from __future__ import annotations

import ast
import inspect
import shutil
from pathlib import Path
from typing import Any

import pytest

from mcpmint import models
from mcpmint.models import (
    AnnotationName,
    ModelClass,
    ModelField,
    ModelRequest,
    cache_key,
    cached_render_models,
    fingerprint,
    render_models,
)
from mcpmint.models.cache import from_json, to_json
from mcpmint.models.preamble import HELPER_NAMES, helpers_for, helpers_source
from mcpmint.schema import formats

PACKAGE = Path(models.__file__).parent
FORECAST = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": "integer", "default": 3},
        "units": {"enum": ["metric", "imperial"]},
        "timeout": {"type": "number"},
    },
    "required": ["city"],
}
DEFS: dict[str, Any] = {}
REQUESTS = [
    ModelRequest("GetForecastInput", FORECAST, "get-forecast", "inputSchema"),
    ModelRequest("GetForecastOutput", {"type": "string"}, "get-forecast", "x"),
]


def copy_package(tmp_path: Path) -> Path:
    copy = tmp_path / "models"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_a_verbatim_copy_of_the_package_has_the_same_fingerprint(
    tmp_path: Path,
) -> None:
    assert fingerprint(copy_package(tmp_path)) == fingerprint()


@pytest.mark.parametrize("module", ["lowering.py", "families.py", "helpers.py"])
def test_changing_one_byte_of_a_models_module_changes_the_cache_key(
    tmp_path: Path, module: str
) -> None:
    copy = copy_package(tmp_path)
    before = cache_key(REQUESTS, DEFS, fingerprint(copy))
    path = copy / module
    path.write_bytes(path.read_bytes() + b"#")
    assert cache_key(REQUESTS, DEFS, fingerprint(copy)) != before


def test_a_new_module_in_the_package_changes_the_fingerprint(tmp_path: Path) -> None:
    copy = copy_package(tmp_path)
    before = fingerprint(copy)
    (copy / "extra.py").write_text("")
    assert fingerprint(copy) != before


def test_an_entry_written_before_an_edit_is_not_read_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MCPMINT_NO_CACHE", raising=False)
    cached_render_models(REQUESTS, DEFS)
    assert len(list((tmp_path / "cache" / "models").iterdir())) == 1
    copy = copy_package(tmp_path)
    (copy / "merging.py").write_text((copy / "merging.py").read_text() + "\n# edit\n")
    edited = cache_key(REQUESTS, DEFS, fingerprint(copy))
    assert not (tmp_path / "cache" / "models" / edited).exists()


def test_the_cached_result_equals_a_fresh_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MCPMINT_NO_CACHE", raising=False)
    fresh = render_models(REQUESTS, DEFS)
    assert cached_render_models(REQUESTS, DEFS) == fresh  # rendered, then written
    (entry,) = (tmp_path / "cache" / "models").iterdir()
    assert from_json(entry.read_text(encoding="utf-8")) == fresh
    assert cached_render_models(REQUESTS, DEFS) == fresh  # read back


def test_the_cached_form_round_trips_unfaithful_places_and_classes() -> None:
    loose = {"type": "object", "properties": {"a": {"not": {"type": "string"}}}}
    result = render_models([ModelRequest("LooseInput", loose, "loose", "in")], {})
    assert result.unfaithful and result.classes
    assert from_json(to_json(result)) == result


def test_request_classes_come_with_their_fields_in_order_and_the_names_they_use() -> (
    None
):
    result = render_models(REQUESTS, DEFS)
    assert result.model_class("GetForecastInput") == ModelClass(
        "GetForecastInput",
        (
            ModelField("city", "StrictStr", True),
            ModelField("days", "_JsonInt", False),
            ModelField("units", "Literal['metric', 'imperial'] | MISSING", False),
            ModelField("timeout", "_JsonNumber | MISSING", False),
        ),
        (
            AnnotationName("Literal", "typing", "Literal"),
            AnnotationName("MISSING", "pydantic", "MISSING"),
            AnnotationName("StrictStr", "pydantic", "StrictStr"),
            AnnotationName("_JsonInt", None, "_JsonInt"),
            AnnotationName("_JsonNumber", None, "_JsonNumber"),
        ),
    )
    output = result.model_class("GetForecastOutput")
    assert [f.attribute for f in output.fields] == ["root"]


def test_every_helper_is_copied_from_helpers_py_verbatim() -> None:
    helpers = helpers_for(set(HELPER_NAMES))
    assert [h.name for h in helpers] == ["_format_problem", *HELPER_NAMES]
    text = helpers_source()
    for helper in helpers[1:]:
        assert helper.source in text
        ast.parse(helper.source)
    needs = {h.name: h.needs for h in helpers}
    assert needs["_unique_items"] == needs["_OneOf"] == {"_json_key"}
    assert needs["_StringFormat"] == {"_format_problem"}


def test_the_format_checks_are_copied_from_schema_formats_py_renamed() -> None:
    (pasted,) = helpers_for({"_format_problem"})[:1]
    original = inspect.getsource(formats.format_problem)
    assert pasted.source == original.replace(
        "def format_problem(", "def _format_problem("
    )
    assert helpers_for(set()) == helpers_for({"_JsonModel"})
    assert "_format_problem" not in {h.name for h in helpers_for(set())}


def test_a_module_uses_only_the_helpers_it_needs() -> None:
    source = render_models(REQUESTS, DEFS).source
    assert "class _JsonModel(" in source and "_JsonInt: TypeAlias" in source
    assert "_unique_items" not in source and "class _MultipleOf" not in source
