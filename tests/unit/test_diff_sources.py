"""`mcpmint diff` attributes a change made in a definition to that definition."""

from __future__ import annotations

import json
from pathlib import Path

from mcpmint.specdiff.report import (
    diff_specs,
    exit_code,
    render_json,
    render_text,
    side_with_origins,
)

SPEC = """\
mcpmint: 1
server: {name: weather, version: 1.0.0}
$defs:
  Units: {type: string, enum: [metric, imperial]}
tools:
  - name: get_forecast
    description: Forecast.
    inputSchema:
      type: object
      properties:
        zip: {$ref: "shared/geo.yaml#/$defs/PostalCode"}
        units: {$ref: "#/$defs/Units"}
        days: {type: integer, maximum: 10}
  - name: get_alerts
    description: Alerts.
    inputSchema:
      type: object
      properties:
        zip: {$ref: "shared/geo.yaml#/$defs/PostalCode"}
"""
GEO = "$defs:\n  PostalCode: {type: string, maxLength: 10}\n"


def _write(folder: Path, spec: str, geo: str) -> None:
    (folder / "shared").mkdir(parents=True)
    (folder / "weather.yaml").write_text(spec)
    (folder / "shared" / "geo.yaml").write_text(geo)


def _diff(tmp_path: Path, spec: str, geo: str) -> str:
    _write(tmp_path / "old", SPEC, GEO)
    _write(tmp_path / "new", spec, geo)
    old, old_origins = side_with_origins("old/weather.yaml", cwd=tmp_path)
    new, new_origins = side_with_origins("new/weather.yaml", cwd=tmp_path)
    report = diff_specs(old, new, {**old_origins, **new_origins})
    assert exit_code(report, "error") == 1
    return render_text(report) + render_json(report)


def test_one_edit_in_a_shared_file_is_grouped_under_that_file(tmp_path: Path) -> None:
    out = _diff(tmp_path, SPEC, GEO.replace("10", "5"))
    text, _, payload = out.partition("{")
    assert text == (
        "via shared/geo.yaml#/$defs/PostalCode: 2 places\n"
        "  error: maxLength lowered from 10 to 5; arguments valid before may now be"
        " rejected. [input-constraint-tightened]\n"
        "    tools[get_alerts].inputSchema.properties.zip.maxLength\n"
        "    tools[get_forecast].inputSchema.properties.zip.maxLength\n"
        "\n"
        "2 errors, 0 warnings, 0 info — implies a major bump;"
        " server.version 1.0.0 → 1.0.0 is unchanged (too small)\n"
    )
    changes = json.loads("{" + payload)["changes"]
    assert [(c["path"], c["source"]) for c in changes] == [
        (
            "tools[get_alerts].inputSchema.properties.zip.maxLength",
            "shared/geo.yaml#/$defs/PostalCode",
        ),
        (
            "tools[get_forecast].inputSchema.properties.zip.maxLength",
            "shared/geo.yaml#/$defs/PostalCode",
        ),
    ]


def test_an_edit_in_the_spec_own_defs_names_the_def(tmp_path: Path) -> None:
    out = _diff(tmp_path, SPEC.replace("metric, imperial", "metric"), GEO)
    assert "via #/$defs/Units: 1 place\n" in out
    assert '"source": "#/$defs/Units"' in out


def test_a_direct_edit_in_a_tool_is_not_grouped(tmp_path: Path) -> None:
    out = _diff(tmp_path, SPEC.replace("maximum: 10", "maximum: 7"), GEO)
    text, _, payload = out.partition("{")
    assert "via " not in text
    assert text.startswith(
        "Errors (1):\n  tools[get_forecast].inputSchema.properties.days.maximum:"
    )
    (change,) = json.loads("{" + payload)["changes"]
    assert change["source"] is None


def test_an_edit_beside_the_ref_is_the_tool_own(tmp_path: Path) -> None:
    edited = SPEC.replace(
        'units: {$ref: "#/$defs/Units"}',
        'units: {$ref: "#/$defs/Units", maxLength: 3}',
    )
    out = _diff(tmp_path, edited, GEO)
    assert "via " not in out.partition("{")[0]
    assert '"source": null' in out


def test_the_innermost_definition_is_the_source(tmp_path: Path) -> None:
    nested = SPEC.replace(
        "  Units: {type: string, enum: [metric, imperial]}\n",
        "  Units: {type: string, enum: [metric, imperial]}\n"
        "  Place: {type: object, properties: {zip: {$ref: '#/$defs/Zip'}}}\n"
        "  Zip: {$ref: 'shared/geo.yaml#/$defs/PostalCode'}\n",
    ) + (
        "  - name: get_place\n"
        "    description: Place.\n"
        "    inputSchema:\n"
        "      {type: object, properties: {place: {$ref: '#/$defs/Place'}}}\n"
    )
    _write(tmp_path / "old", nested, GEO)
    _write(tmp_path / "new", nested, GEO.replace("10", "5"))
    old, old_origins = side_with_origins("old/weather.yaml", cwd=tmp_path)
    new, new_origins = side_with_origins("new/weather.yaml", cwd=tmp_path)
    report = diff_specs(old, new, {**old_origins, **new_origins})
    assert {(c.path, c.source) for c in report.changes} == {
        (f"tools[{t}].inputSchema.properties.zip.maxLength", source)
        for t in ("get_alerts", "get_forecast")
        for source in ["shared/geo.yaml#/$defs/PostalCode"]
    } | {
        (
            "tools[get_place].inputSchema.properties.place.properties.zip.maxLength",
            "shared/geo.yaml#/$defs/PostalCode",
        )
    }
