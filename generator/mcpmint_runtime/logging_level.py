"""Log messages from handlers to the client (`notifications/message`), in both eras.

Handshake era (2025-11-25 and before): the client picks a level with
`logging/setLevel`, remembered per session; until it does, every level is sent.
2026-07-28 has no `logging/setLevel`: a request opts in through
`_meta["io.modelcontextprotocol/logLevel"]`, and messages go out for that request
only, at or above the level it asked for; a request that did not ask gets none.

The SDK's own entry points for this (`Server(on_set_logging_level=...)`,
`session.send_log_message`) warn that logging is deprecated (SEP-2577) on every
use; this module registers the handler and sends the notification through the
undeprecated `add_request_handler` and `send_notification`, so nothing warns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

# RFC 5424 severities, least severe first.
LEVELS: Final[tuple[types.LoggingLevel, ...]] = (
    "debug",
    "info",
    "notice",
    "warning",
    "error",
    "critical",
    "alert",
    "emergency",
)
RANK: Final[Mapping[str, int]] = {level: i for i, level in enumerate(LEVELS)}
# Where a session's `logging/setLevel` choice is kept, in the connection's state.
STATE_KEY: Final = "mcpmint.logging.level"


def register_logging(server: Server[Any]) -> None:
    """Serve `logging/setLevel` (and so declare the `logging` capability)."""

    async def on_set_level(
        ctx: ServerRequestContext[Any], params: types.SetLevelRequestParams
    ) -> types.EmptyResult:
        state = session_state(ctx)
        if state is not None:
            state[STATE_KEY] = params.level
        return types.EmptyResult()

    server.add_request_handler(
        "logging/setLevel", types.SetLevelRequestParams, on_set_level
    )


def threshold(ctx: ServerRequestContext[Any]) -> str | None:
    """The least severe level this request's client wants; None: it wants none.

    2026-07-28: the level in the request's `_meta`, if any. Before: the session's
    `logging/setLevel` choice, `debug` (everything) until it makes one.
    """
    if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
        meta: Mapping[str, Any] = ctx.meta or {}
        asked = meta.get(types.LOG_LEVEL_META_KEY)
        return asked if isinstance(asked, str) and asked in RANK else None
    state = session_state(ctx)
    chosen = state.get(STATE_KEY) if state is not None else None
    return chosen if isinstance(chosen, str) and chosen in RANK else LEVELS[0]


def wanted(ctx: ServerRequestContext[Any], level: str) -> bool:
    """Whether a message at `level` may be sent for this request."""
    floor = threshold(ctx)
    return floor is not None and RANK[level] >= RANK[floor]


async def send_log(
    ctx: ServerRequestContext[Any],
    level: types.LoggingLevel,
    data: Any,
    logger: str | None = None,
) -> bool:
    """Send `data` at `level` as a `notifications/message` for this request, if the
    client wants that level (see `threshold`); whether it was sent.

    It rides the request's own stream (on Streamable HTTP, the response's SSE
    stream), as 2026-07-28 requires and the handshake era allows.
    """
    if level not in RANK:
        raise ValueError(f"unknown log level {level!r}: use one of {', '.join(LEVELS)}")
    if not wanted(ctx, level):
        return False
    params = types.LoggingMessageNotificationParams(
        level=level,
        data=data,
        logger=logger,
    )
    await ctx.session.send_notification(
        types.LoggingMessageNotification(params=params),
        related_request_id=ctx.request_id,
    )
    return True


def session_state(ctx: ServerRequestContext[Any]) -> dict[str, Any] | None:
    """The per-connection scratch dict the SDK keeps for a session, if reachable.

    `ServerRequestContext.session` is made anew for every request; the
    `Connection` behind it (and its `state`) lives as long as the session. The SDK
    offers no public path to it from a low-level handler, hence the attribute.
    """
    connection = getattr(ctx.session, "_connection", None)
    state = getattr(connection, "state", None)
    return state if isinstance(state, dict) else None
