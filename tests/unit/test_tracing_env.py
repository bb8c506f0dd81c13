"""docs/deploy.md "Traces": which standard OTEL_* variables turn exporting on."""

from __future__ import annotations

import pytest
from mcpmint_runtime.tracing import TracingError, wanted_exporter

ENDPOINT = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}


@pytest.mark.parametrize(
    ("env", "exporter"),
    [
        ({}, None),
        (ENDPOINT, "otlp"),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, "otlp"),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, "otlp"),
        ({"OTEL_TRACES_EXPORTER": "Console"}, "console"),
        ({**ENDPOINT, "OTEL_TRACES_EXPORTER": "none"}, None),
        ({**ENDPOINT, "OTEL_SDK_DISABLED": "true"}, None),
        ({**ENDPOINT, "OTEL_SDK_DISABLED": "false"}, "otlp"),
    ],
)
def test_the_standard_variables_choose_the_exporter(
    env: dict[str, str], exporter: str | None
) -> None:
    assert wanted_exporter(env) == exporter


def test_an_exporter_it_does_not_ship_is_refused_by_name() -> None:
    with pytest.raises(TracingError, match="'jaeger' is not one of otlp, console"):
        wanted_exporter({"OTEL_TRACES_EXPORTER": "otlp,jaeger"})
