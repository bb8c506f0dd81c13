"""Python names from spec names: snake and Pascal case, safe identifiers."""

from __future__ import annotations

import builtins
import keyword
import re

_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")

# Module names a handler may not take: they would shadow the package's own modules or
# stdlib modules the generated code imports.
_RESERVED_MODULES = frozenset(
    {
        "models",
        "server",
        "runtime",
        "client",
        "transports",
        "handlers",
        "examples",
        "connect",
        "call",
    }
)


def words(name: str) -> list[str]:
    """Split `getForecast-v2.json` into `["get", "forecast", "v2", "json"]`."""
    spaced = _WORD_BREAK.sub(" ", name)
    return [w.lower() for w in _NON_ALNUM.split(spaced) if w]


def snake(name: str) -> str:
    """A safe snake_case identifier: not a keyword, not starting with a digit."""
    ident = "_".join(words(name)) or "tool"
    if ident[0].isdigit():
        ident = f"tool_{ident}"
    if keyword.iskeyword(ident) or keyword.issoftkeyword(ident):
        ident += "_"
    return ident


def handler_name(name: str) -> str:
    """The handler function and module name of a tool."""
    ident = snake(name)
    if ident in _RESERVED_MODULES or hasattr(builtins, ident):
        ident += "_tool"
    return ident


def pascal(name: str) -> str:
    """A PascalCase class name prefix: `get-forecast` → `GetForecast`."""
    ident = "".join(w[:1].upper() + w[1:] for w in words(name)) or "Tool"
    if ident[0].isdigit():
        ident = f"Tool{ident}"
    return ident


def schema_class_name(text: str) -> str:
    """A class name from schema words (a `$defs` key, a property): `postal-code` →
    `PostalCode`. Unlike `pascal`, camelCase runs are kept as written and a name that
    would start with a digit gets `N`: the names of the models generated so far."""
    parts = [w for w in _NON_ALNUM.split(text) if w]
    name = "".join(w[0].upper() + w[1:] for w in parts)
    return name if name and not name[0].isdigit() else "N" + name


def package_name(server_name: str) -> str:
    """The default Python package of a server: `weather` → `weather_server`."""
    base = snake(server_name).rstrip("_")
    return base if base.endswith("_server") else f"{base}_server"


def client_package_name(server_package: str) -> str:
    """The default package of a client-only build: `tracker_server` → `tracker_client`,
    `weather` → `weather_client`."""
    return server_package.removesuffix("_server") + "_client"


def is_package_name(name: str) -> bool:
    """Whether `name` can be a top-level Python package."""
    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)
