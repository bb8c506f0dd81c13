"""What a handler receives and may return: `ToolContext`, `ToolResult`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from typing_extensions import TypeVar as TypeVar_

from .changes import Changes, current_changes
from .lifecycle import AppContext
from .logging_level import send_log

OutT = TypeVar("OutT")
# The generated `Settings` and the lifespan's `State`; a bare `ToolContext` is
# `ToolContext[Any, Any]`.
SettingsT = TypeVar_("SettingsT", default=Any)
StateT = TypeVar_("StateT", default=Any)
Content = types.ContentBlock


@dataclass(slots=True)
class ToolResult(Generic[OutT]):
    """A result with rich content: text, images, audio, resource links, embedded
    resources.

    `structured` is the tool's output model instance for tools with an outputSchema;
    `is_error=True` reports a failure the model should see.
    """

    content: Sequence[Content] = ()
    structured: OutT | None = None
    is_error: bool = False


class ToolContext(Generic[SettingsT, StateT]):
    """What a handler knows of its call: progress, request, session and deadline;
    the server's settings and the lifespan's state.

    Generated servers name it `Context` (`ToolContext[Settings, State]`)."""

    __slots__ = ("deadline", "sdk", "tool")

    def __init__(
        self, sdk: ServerRequestContext[Any], tool: str, deadline: float | None = None
    ) -> None:
        self.sdk = sdk
        self.tool = tool
        # When the call's timeout ends it, on anyio's clock (anyio.current_time());
        # None: no timeout.
        self.deadline = deadline

    def time_left(self) -> float | None:
        """Seconds until the call's timeout (never below 0); None without a timeout.

        Pass it on to the handler's own network calls (e.g. an httpx timeout).
        """
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - anyio.current_time())

    @property
    def settings(self) -> SettingsT:
        """The server's settings (the generated `Settings`), read once at start."""
        settings: SettingsT = _app(self.sdk).settings
        return settings

    @property
    def state(self) -> StateT:
        """What the lifespan hook yielded: resources opened once per process."""
        state: StateT = _app(self.sdk).state
        return state

    @property
    def request_id(self) -> Any:
        """The JSON-RPC id of the tools/call request."""
        return self.sdk.request_id

    @property
    def protocol_version(self) -> str | None:
        """The negotiated MCP protocol version."""
        return getattr(self.sdk, "protocol_version", None)

    @property
    def request(self) -> Any:
        """The starlette Request on HTTP and SSE; None on stdio and WebSocket."""
        return getattr(self.sdk, "request", None)

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        """Send a progress notification (a no-op when the client asked for none)."""
        await self.sdk.session.report_progress(progress, total, message)

    async def log(
        self, level: types.LoggingLevel, data: Any, *, logger: str | None = None
    ) -> bool:
        """Send a log message (`notifications/message`) to the client, if it asked
        for that level: through `logging/setLevel` before protocol 2026-07-28 (all
        levels until it does), through this request's `_meta` in 2026-07-28 (none
        unless it did). `data` is any JSON value. Whether it was sent."""
        return await send_log(self.sdk, level, data, logger)

    async def debug(self, data: Any, *, logger: str | None = None) -> bool:
        """`log("debug", ...)`."""
        return await self.log("debug", data, logger=logger)

    async def info(self, data: Any, *, logger: str | None = None) -> bool:
        """`log("info", ...)`."""
        return await self.log("info", data, logger=logger)

    async def warning(self, data: Any, *, logger: str | None = None) -> bool:
        """`log("warning", ...)`."""
        return await self.log("warning", data, logger=logger)

    async def error(self, data: Any, *, logger: str | None = None) -> bool:
        """`log("error", ...)`."""
        return await self.log("error", data, logger=logger)

    @property
    def changes(self) -> Changes:
        """Announce that a resource or a list changed (`resource_updated(uri)`,
        `list_changed("tools")`): every client that asked hears it, in both
        protocol eras. Needs the spec's `notifications:`."""
        return current_changes()


def _app(sdk: ServerRequestContext[Any]) -> AppContext:
    app = getattr(sdk, "lifespan_context", None)
    if not isinstance(app, AppContext):
        raise RuntimeError(
            "no settings or state: this server was built without an mcpmint lifespan"
        )
    return app
