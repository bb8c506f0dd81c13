"""Python names derived from spec names."""

from __future__ import annotations

import pytest

from mcpmint.spec.naming import (
    handler_name,
    is_package_name,
    package_name,
    pascal,
    snake,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("get_forecast", "get_forecast"),
        ("get-forecast", "get_forecast"),
        ("getForecast", "get_forecast"),
        ("v1.search", "v1_search"),
        ("HTTPServer", "http_server"),
        ("2fa", "tool_2fa"),
        ("class", "class_"),
        ("match", "match_"),
        ("---", "tool"),
    ],
)
def test_snake_case_is_a_safe_identifier(name: str, expected: str) -> None:
    assert snake(name) == expected
    assert expected.isidentifier()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("list", "list_tool"), ("models", "models_tool"), ("echo", "echo")],
)
def test_handler_names_avoid_builtins_and_the_package_modules(
    name: str, expected: str
) -> None:
    assert handler_name(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("get-forecast", "GetForecast"), ("v1.search", "V1Search"), ("2fa", "Tool2fa")],
)
def test_pascal_case_makes_class_prefixes(name: str, expected: str) -> None:
    assert pascal(name) == expected


def test_the_default_package_ends_in_server() -> None:
    assert package_name("weather") == "weather_server"
    assert package_name("My Server") == "my_server"
    assert is_package_name("weather_server")
    assert not is_package_name("my-package")
    assert not is_package_name("import")
