"""mcpmint-runtime: what the servers mcpmint generates import.

Dispatch and validation of tools/call (`dispatch`), what a handler receives and
returns (`ToolContext`, `ToolResult`), the transports (`transports`), the command
line (`cli`) and the version gate (`version`). Handlers import from here:

    from mcpmint_runtime import ToolContext, ToolFailure, ToolResult
"""

from __future__ import annotations

# Versioned in lockstep with mcpmint; generated code checks it through
# `version.require_runtime` when it is imported.
__version__ = "0.2.0"

from typing import TYPE_CHECKING, Any  # noqa: E402

from .context import ToolContext, ToolResult  # noqa: E402
from .dispatch import (  # noqa: E402
    ServerInfo,
    ToolEntry,
    build_server,
    error_result,
    schema_validator,
)
from .errors import ToolFailure  # noqa: E402
from .questions import Ask, Elicit, Elicited, ListRoots, Sample  # noqa: E402
from .shared import SharedSchemaWarning  # noqa: E402
from .version import require_runtime  # noqa: E402

if TYPE_CHECKING:
    from .compat import ServerMismatch, ServerVersionWarning
    from .connection import AuthError, ClientError, TimedOut, Unreachable

# The client's errors, imported when first named: a server never needs them, and
# `python -m <package> stdio` starts without loading the client's modules.
_CLIENT_NAMES = {
    "AuthError": "connection",
    "ClientError": "connection",
    "TimedOut": "connection",
    "Unreachable": "connection",
    "ServerMismatch": "compat",
    "ServerVersionWarning": "compat",
}


def __getattr__(name: str) -> Any:
    module = _CLIENT_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AuthError",
    "ClientError",
    "ServerInfo",
    "ServerMismatch",
    "ServerVersionWarning",
    "SharedSchemaWarning",
    "TimedOut",
    "ToolContext",
    "ToolEntry",
    "ToolFailure",
    "ToolResult",
    "Unreachable",
    "build_server",
    "error_result",
    "require_runtime",
    "schema_validator",
    "__version__",
    # Input requests (ctx.elicit, ctx.sample, ctx.list_roots, ctx.ask)
    "Ask",
    "Elicit",
    "Elicited",
    "ListRoots",
    "Sample",
]
