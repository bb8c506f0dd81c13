"""A server's settings: declared in the spec, read from the environment at start.

The generated `<package>/settings.py` holds a frozen `Settings` dataclass with one
typed field per setting and the table `SETTINGS` of `Setting` rows; this module
reads and checks the values. A problem is one line naming the variable; a secret's
value is never shown.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar

__all__ = [
    "Setting",
    "SettingsError",
    "exit_on_error",
    "parse_value",
    "read_settings",
]

SettingType = Literal["string", "integer", "number", "boolean", "path"]
T = TypeVar("T")

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_EXPECTED = {
    "integer": "an integer",
    "number": "a number",
    "boolean": "one of true/false, yes/no, on/off, 1/0",
}


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting as the spec declares it."""

    name: str  # the environment variable, e.g. BOOKMARKS_DB
    field: str  # the attribute of Settings, e.g. bookmarks_db
    type: SettingType = "string"
    default: str | int | float | bool | None = None
    required: bool = False
    secret: bool = False
    description: str = ""


class SettingsError(Exception):
    """A missing required setting or a bad value: one line, naming the variable."""


def read_settings(
    table: Sequence[Setting], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The value of every setting by field name: from `environ` (default: the
    process environment), else its default. An empty variable counts as unset."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in table:
        text = env.get(setting.name, "")
        if text:
            values[setting.field] = parse_value(setting, text)
        elif setting.required:
            raise SettingsError(
                f"missing required setting {setting.name}: "
                f"set the environment variable {setting.name}"
                + (f" ({setting.description})" if setting.description else "")
            )
        else:
            default = setting.default
            if setting.type == "path" and isinstance(default, str):
                values[setting.field] = Path(default).expanduser()
            elif setting.type == "number" and isinstance(default, int):
                values[setting.field] = float(default)
            else:
                values[setting.field] = default
    return values


def parse_value(setting: Setting, text: str) -> Any:
    """`text` as the setting's type; SettingsError (value shown unless secret)."""
    kind = setting.type
    if kind == "string":
        return text
    if kind == "path":
        return Path(text).expanduser()
    word = text.strip()
    try:
        if kind == "integer":
            return int(word)
        if kind == "number":
            return float(word)
    except ValueError:
        pass
    if kind == "boolean" and word.lower() in (*_TRUE, *_FALSE):
        return word.lower() in _TRUE
    shown = "(value hidden: secret)" if setting.secret else f"got {text!r}"
    raise SettingsError(
        f"bad value for setting {setting.name}: expected {_EXPECTED[kind]}, {shown}"
    )


def exit_on_error(load: Callable[[], T], prog: str) -> T:
    """`load()`, or the error on one line of stderr and exit status 2 (no traceback)."""
    try:
        return load()
    except SettingsError as exc:
        _fail(prog, str(exc))


def _fail(prog: str, message: str) -> NoReturn:
    print(f"{prog}: error: {message}", file=sys.stderr)
    sys.exit(2)
