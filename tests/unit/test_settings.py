"""Settings: reading the environment, host entries, the spec format's schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mcpmint.spec.format import spec_json_schema
from mcpmint_runtime.hosts import settings_env
from mcpmint_runtime.settings import Setting, SettingsError, read_settings

TABLE = (
    Setting("APP_DB", "app_db", "path", default="~/app.db"),
    Setting("APP_PAGE", "app_page", "integer", default=50),
    Setting("APP_RATE", "app_rate", "number", default=2),
    Setting("APP_DEBUG", "app_debug", "boolean", default=False),
    Setting("APP_USER", "app_user", required=True),
    Setting("APP_KEY", "app_key", secret=True),
)


def test_values_come_from_the_environment_else_the_defaults() -> None:
    values = read_settings(TABLE, {"APP_USER": "ann", "APP_PAGE": "", "X": "y"})
    assert values == {
        "app_db": Path("~/app.db").expanduser(),
        "app_page": 50,  # an empty variable counts as unset
        "app_rate": 2.0,
        "app_debug": False,
        "app_user": "ann",
        "app_key": None,
    }
    assert isinstance(values["app_rate"], float)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", True), ("Yes", True), ("on", True), ("false", False), (" 0 ", False)],
)
def test_booleans_take_the_usual_words(text: str, value: bool) -> None:
    env = {"APP_USER": "u", "APP_DEBUG": text}
    assert read_settings(TABLE, env)["app_debug"] is value


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {},
            "missing required setting APP_USER: set the environment variable APP_USER",
        ),
        (
            {"APP_USER": "u", "APP_RATE": "fast"},
            "bad value for setting APP_RATE: expected a number, got 'fast'",
        ),
        (
            {"APP_USER": "u", "APP_DEBUG": "maybe"},
            "bad value for setting APP_DEBUG: expected one of true/false, yes/no, "
            "on/off, 1/0, got 'maybe'",
        ),
    ],
)
def test_a_problem_is_one_line_naming_the_variable(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        read_settings(TABLE, env)
    assert str(caught.value) == message


def test_a_secret_value_is_never_shown() -> None:
    table = (Setting("APP_PIN", "app_pin", "integer", secret=True),)
    with pytest.raises(SettingsError) as caught:
        read_settings(table, {"APP_PIN": "hunter2"})
    assert "hunter2" not in str(caught.value)
    assert str(caught.value).endswith("(value hidden: secret)")


def test_the_env_block_has_values_absolute_paths_and_placeholders() -> None:
    env = settings_env(TABLE, {"APP_KEY": "hunter2", "APP_RATE": "3.5"})
    assert env == {
        "APP_DB": str(Path("~/app.db").expanduser()),
        "APP_PAGE": "50",
        "APP_RATE": "3.5",
        "APP_DEBUG": "false",
        "APP_USER": "<APP_USER>",  # required, unset
        "APP_KEY": "<APP_KEY>",  # secret: never its value
    }
    relative = (Setting("APP_DIR", "app_dir", "path"),)
    assert Path(settings_env(relative, {"APP_DIR": "data"})["APP_DIR"]).is_absolute()


def test_the_spec_schema_documents_settings() -> None:
    schema = json.loads(spec_json_schema())
    setting = schema["$defs"]["Setting"]
    assert setting["additionalProperties"] is False
    assert setting["properties"]["name"]["pattern"] == "^[A-Z_][A-Z0-9_]*$"
    assert setting["properties"]["type"]["enum"] == [
        "string",
        "integer",
        "number",
        "boolean",
        "path",
    ]
    assert set(setting["properties"]) == {
        "name",
        "type",
        "default",
        "description",
        "required",
        "secret",
    }
    assert schema["properties"]["settings"]["type"] == "array"
