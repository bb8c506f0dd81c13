"""One request answered on the SDK's kernel: its `DispatchContext`, its answer.

Shared by the stateless kernel (`stateless_kernel`) and the session kernel
(`session_kernel`): `Exchange` sends the request's notifications as SSE frames
(or drops them: JSON responses, or the request settled) and refuses
server-to-client requests, as the SDK does where there is no back channel;
`reply` words the JSON-RPC answer as the SDK's dispatcher does.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Mapping
from typing import Any, Final

import anyio
import mcp_types
from mcp.shared.dispatcher import CallOptions
from mcp.shared.exceptions import NoBackChannelError
from mcp.shared.jsonrpc_dispatcher import (
    handler_exception_to_error_data,
    progress_token_from_params,
)
from mcp.shared.message import ServerMessageMetadata
from mcp.shared.transport_context import TransportContext
from pydantic import TypeAdapter
from starlette.types import Send

__all__ = ["STREAMABLE_HTTP", "Exchange", "frame", "reply", "to_json"]

logger = logging.getLogger(__name__)
_dispatcher_logger = logging.getLogger("mcp.shared.jsonrpc_dispatcher")  # its name

STREAMABLE_HTTP: Final = TransportContext(
    kind="streamable-http", can_send_request=False
)
to_json: Final = TypeAdapter[Any](Any).dump_json  # as the SDK's models dump


class Exchange:
    """The `DispatchContext` of one request: notifications go out as SSE frames."""

    def __init__(
        self,
        request_id: mcp_types.RequestId,
        params: Mapping[str, Any] | None,
        metadata: ServerMessageMetadata,
        send: Send | None,
        transport: TransportContext = STREAMABLE_HTTP,
    ) -> None:
        self.transport = transport
        self.can_send_request = False
        self.request_id = request_id
        self.message_metadata = metadata
        self._progress_token = progress_token_from_params(params)
        self._send = send  # None: JSON mode, or the request is settled
        self._cancel: anyio.Event | None = None

    @property
    def cancel_requested(self) -> anyio.Event:
        if self._cancel is None:  # set only by a session's `notifications/cancelled`
            self._cancel = anyio.Event()
        return self._cancel

    @property
    def cancelled_by_peer(self) -> bool:  # `notifications/cancelled`, in a session
        return self._cancel is not None and self._cancel.is_set()

    @property
    def settled(self) -> bool:  # in event-stream mode: the answer is on its way
        return self._send is None

    def close(self) -> None:
        self._send = None

    async def send_raw_request(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        opts: CallOptions | None = None,
    ) -> dict[str, Any]:
        raise NoBackChannelError(method)

    async def notify(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        opts: CallOptions | None = None,
    ) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = dict(params)
        await self.send_message(message)

    async def send_message(self, message: dict[str, Any]) -> None:
        """One frame on the request's stream, unless it is settled or has none."""
        send = self._send
        if send is None:
            return
        try:
            await send(frame(message))
        except OSError:  # the client left (stateless: the watcher cancels the call)
            logger.debug("dropped %s: client gone", message.get("method"))

    async def progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        if self._progress_token is None:
            return
        params: dict[str, Any] = {"progressToken": self._progress_token}
        params["progress"] = progress
        if total is not None:
            params["total"] = total
        if message is not None:
            params["message"] = message
        await self.notify("notifications/progress", params)


def frame(message: dict[str, Any], more: bool = True) -> dict[str, Any]:
    data = to_json(message)
    body = b"event: message\r\ndata: " + data + b"\r\n\r\n"
    return {"type": "http.response.body", "body": body, "more_body": more}


async def reply(
    exchange: Exchange, method: str, answer: Awaitable[dict[str, Any]]
) -> dict[str, Any]:
    """The JSON-RPC answer to `exchange`'s request, as the SDK's dispatcher words it."""
    request_id = exchange.request_id
    try:
        result = await answer
    except Exception as exc:
        error = handler_exception_to_error_data(exc)
        if error is None:
            _dispatcher_logger.exception("handler for %r raised", method)
            error = mcp_types.ErrorData(code=0, message=str(exc))
        data = error.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return {"jsonrpc": "2.0", "id": request_id, "error": data}
    finally:
        exchange.close()
    return {"jsonrpc": "2.0", "id": request_id, "result": result}
