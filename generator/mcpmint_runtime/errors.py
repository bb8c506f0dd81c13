"""Tool errors a handler means, and what a client sees of the ones it does not.

A handler raises `ToolFailure("no bookmark 7")` for an expected failure: the client
gets a tool error (`isError: true`) with exactly that text, and the log one line
without a traceback.

Any other exception is a bug or a broken dependency; its message may hold internal
details (a database driver's, a path, a host name). `show` sends the message as
`Tool 'NAME' failed: MESSAGE`; `hide` sends `Tool 'NAME' failed: internal error (id
ID)` and logs the traceback with the same id. The command line picks `show` on stdio
(client and server are the same user) and `hide` on the network transports; an option
(`--internal-errors`, env `MCP_INTERNAL_ERRORS`) or `build_server(...,
internal_errors=...)` overrides it.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar
from typing import Literal, get_args

InternalErrors = Literal["show", "hide"]
INTERNAL_ERRORS: tuple[str, ...] = get_args(InternalErrors)

# Set by the command line for the process; a server built with an explicit mode wins.
_MODE: ContextVar[InternalErrors | None] = ContextVar(
    "mcpmint_internal_errors", default=None
)


class ToolFailure(Exception):
    """An expected failure: the client sees `str(exc)` as a tool error, verbatim."""


def set_internal_errors(mode: InternalErrors | None) -> None:
    """What servers built without `internal_errors=` send for unexpected exceptions
    (None: `show`)."""
    _MODE.set(mode)


def internal_errors_mode(explicit: InternalErrors | None) -> InternalErrors:
    """The mode in force: the server's own, else the command line's, else `show`."""
    return explicit or _MODE.get() or "show"


def error_id() -> str:
    """A short id that ties a hidden error's message to its log entry."""
    return secrets.token_hex(4)
