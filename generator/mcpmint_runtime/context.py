"""What a handler receives and may return: `ToolContext`, `ToolResult`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from typing_extensions import TypeVar as TypeVar_

from .changes import Changes, current_changes
from .input_requests import Inputs, client_can
from .lifecycle import AppContext
from .logging_level import send_log
from .questions import Ask, Elicit, Elicited, Kind, ListRoots, Sample

if TYPE_CHECKING:
    from .oauth import Principal

OutT = TypeVar("OutT")
A1 = TypeVar("A1")
A2 = TypeVar("A2")
A3 = TypeVar("A3")
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

    __slots__ = ("deadline", "sdk", "tool", "_inputs")

    def __init__(
        self, sdk: ServerRequestContext[Any], tool: str, deadline: float | None = None
    ) -> None:
        self.sdk = sdk
        self.tool = tool
        # When the call's timeout ends it, on anyio's clock (anyio.current_time());
        # None: no timeout.
        self.deadline = deadline
        self._inputs: Inputs | None = None

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
    def principal(self) -> Principal | None:
        """Who called, under OAuth: subject, client id and scopes; else None."""
        from .oauth import principal  # only servers behind OAuth ask

        return principal(self.sdk)

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

    # Input requests (input_requests.py): the same calls in both protocol eras.

    @overload
    async def elicit(
        self, message: str, schema: type[A1], *, key: str | None = None
    ) -> Elicited[A1]: ...
    @overload
    async def elicit(
        self, message: str, schema: Mapping[str, Any], *, key: str | None = None
    ) -> Elicited[dict[str, Any]]: ...
    async def elicit(
        self,
        message: str,
        schema: type[Any] | Mapping[str, Any],
        *,
        key: str | None = None,
    ) -> Elicited[Any]:
        """Ask the user to fill a form (`schema`: a pydantic model, or a JSON Schema
        dict); `.action` is accept, decline or cancel, `.data` the checked answer."""
        answer: Elicited[Any]
        (answer,) = await self._round().ask([Elicit(message, schema, key=key)])
        return answer

    async def sample(
        self,
        messages: Sequence[types.SamplingMessage | str],
        *,
        max_tokens: int,
        system_prompt: str | None = None,
        temperature: float | None = None,
        key: str | None = None,
    ) -> types.CreateMessageResult:
        """Ask the client's model (a string is one user message)."""
        question = Sample(
            messages,
            max_tokens=max_tokens,
            system_prompt=system_prompt,
            temperature=temperature,
            key=key,
        )
        (answer,) = await self.ask(question)
        return answer

    async def list_roots(self, *, key: str | None = None) -> list[types.Root]:
        """The client's roots."""
        (answer,) = await self.ask(ListRoots(key=key))
        return answer

    @overload
    async def ask(self, a: Ask[A1], /) -> tuple[A1]: ...
    @overload
    async def ask(self, a: Ask[A1], b: Ask[A2], /) -> tuple[A1, A2]: ...
    @overload
    async def ask(self, a: Ask[A1], b: Ask[A2], c: Ask[A3], /) -> tuple[A1, A2, A3]: ...
    @overload
    async def ask(self, *questions: Ask[Any]) -> tuple[Any, ...]: ...
    async def ask(self, *questions: Ask[Any]) -> tuple[Any, ...]:
        """Several questions (`Elicit`, `Sample`, `ListRoots`) at once: one round
        in 2026-07-28, one request after the other before it. The answers, in order.

        A question whose capability the client did not declare is refused with
        JSON-RPC error -32021 (see `can_ask`)."""
        return await self._round().ask(questions)

    def can_ask(self, kind: Kind) -> bool:
        """Whether the client declared `elicitation` (form), `sampling` or `roots`."""
        return client_can(self.sdk, kind)

    @property
    def carry(self) -> dict[str, Any]:
        """Small JSON values kept from one round to the next (2026-07-28), sealed
        in the `requestState`; what an earlier round left here is here again."""
        return self._round().carry

    def _round(self) -> Inputs:
        if self._inputs is None:
            self._inputs = Inputs(self.sdk, _owner(self.sdk.method, self.tool))
        return self._inputs


def _owner(method: str, name: str) -> str:
    kind = {"tools/call": "tool", "prompts/get": "prompt", "resources/read": "resource"}
    return f"{kind.get(method, 'handler')} {name!r}"


def _app(sdk: ServerRequestContext[Any]) -> AppContext:
    app = getattr(sdk, "lifespan_context", None)
    if not isinstance(app, AppContext):
        raise RuntimeError(
            "no settings or state: this server was built without an mcpmint lifespan"
        )
    return app
