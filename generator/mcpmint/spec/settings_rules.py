"""The rules of the `settings:` section: names, types, defaults; each located."""

from __future__ import annotations

import difflib
import keyword
import re
from typing import Any

from mcpmint.spec import format as spec_models
from mcpmint.spec.diagnostics import Diagnostic, JsonPath
from mcpmint.spec.load import LoadedSpec

_NAME = re.compile(spec_models.ENV_NAME)
# Attributes of the generated Settings class a setting may not take.
_RESERVED_FIELDS = frozenset({"from_env"})
# The server's own options read MCP_HOST, MCP_PORT, ...
_RESERVED_PREFIX = "MCP_"
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "path": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}
_A = {"integer": "an integer", "number": "a number", "boolean": "true or false"}


def setting_field(name: str) -> str:
    """The attribute of a setting in the generated Settings: BOOKMARKS_DB →
    bookmarks_db."""
    return name.lower()


def settings_problems(spec: LoadedSpec, data: dict[str, Any]) -> list[Diagnostic]:
    """Every problem of the spec's `settings:` list."""
    settings = data.get("settings")
    if not isinstance(settings, list):
        return []
    auth = data.get("auth")
    token_env = auth.get("tokenEnv") if isinstance(auth, dict) else None
    found: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for i, setting in enumerate(settings):
        if not isinstance(setting, dict):
            continue
        found += _unknown_keys(spec, setting, i)
        name = setting.get("name")
        if isinstance(name, str):
            found += _name(spec, name, i, seen, token_env)
        found += _default(spec, setting, i)
    return found


def _unknown_keys(
    spec: LoadedSpec, setting: dict[str, Any], i: int
) -> list[Diagnostic]:
    known = spec_models.known_keys(spec_models.Setting)
    found = []
    for key in setting:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else "known keys: " + ", ".join(known)
        )
        found.append(
            spec.diagnostic("error", ("settings", i, key), f"unknown key {key!r}", hint)
        )
    return found


def _name(
    spec: LoadedSpec, name: str, i: int, seen: dict[str, int], token_env: Any
) -> list[Diagnostic]:
    where: JsonPath = ("settings", i, "name")
    if not _NAME.match(name):
        return [
            spec.diagnostic(
                "error",
                where,
                f"setting name {name!r} is not an environment variable name",
                "use A-Z, 0-9 and _, not starting with a digit, e.g. BOOKMARKS_DB",
            )
        ]
    field = setting_field(name)
    if field in seen:
        return [
            spec.diagnostic(
                "error",
                where,
                f"duplicate setting {name!r}",
                f"settings[{seen[field]}] has the same name",
            )
        ]
    seen[field] = i
    if name.startswith(_RESERVED_PREFIX):
        return [
            spec.diagnostic(
                "error",
                where,
                f"setting {name!r} uses the prefix {_RESERVED_PREFIX}",
                "the server's own options read MCP_* variables; choose another prefix",
            )
        ]
    if name == token_env:
        return [
            spec.diagnostic(
                "error",
                where,
                f"setting {name!r} is also auth.tokenEnv",
                "the bearer token is read by the server itself; drop this setting",
            )
        ]
    if keyword.iskeyword(field) or field in _RESERVED_FIELDS:
        return [
            spec.diagnostic(
                "error",
                where,
                f"setting {name!r} would be the attribute {field!r}, "
                "which Python reserves",
                "choose another name",
            )
        ]
    return []


def _default(spec: LoadedSpec, setting: dict[str, Any], i: int) -> list[Diagnostic]:
    if "default" not in setting or setting["default"] is None:
        return []
    where: JsonPath = ("settings", i, "default")
    default = setting["default"]
    if setting.get("required") is True:
        return [
            spec.diagnostic(
                "error",
                where,
                "a required setting has no default",
                "remove `default`, or `required: true` (a default makes it optional)",
            )
        ]
    if setting.get("secret") is True:
        return [
            spec.diagnostic(
                "error",
                where,
                "a secret setting has no default: it would be written into the code",
                "remove `default`; set the variable where the server runs",
            )
        ]
    kind = setting.get("type", "string")
    accepted = _TYPES.get(kind) if isinstance(kind, str) else None
    if accepted is None:
        return []  # an unknown type is a structural error
    if (
        isinstance(default, bool)
        and kind != "boolean"
        or not isinstance(default, accepted)
    ):
        shown = repr(default) if not isinstance(default, bool) else str(default).lower()
        hint = f'quote it: "{shown}"' if kind in ("string", "path") else None
        return [
            spec.diagnostic(
                "error",
                where,
                f"the default {shown} is not {_A.get(kind, 'a string')} "
                f"(the setting's type is {kind})",
                hint,
            )
        ]
    return []
