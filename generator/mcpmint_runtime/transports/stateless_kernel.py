"""Stateless Streamable HTTP request POSTs on the SDK's request kernel.

In `--stateless` mode the SDK answers every POST with a fresh transport, a
dispatcher, a server task, memory streams and an sse-starlette response with
its tasks: more CPU than the call. An ordinary handshake-era request POST is
answered here with `serve_one` (the SDK's single-exchange kernel), the SDK's
bytes on the wire: one `event: message` frame after the request's own
notifications (`ctx.log`, progress), headers at once, `: ping` every 15 s (or,
with `--json-response`, one JSON body); errors mapped as the SDK's dispatcher
maps them; in event-stream mode the handler cancelled when the client leaves.
A 2026-07-28 one goes to `stateless_modern` with `MCPMINT_KERNEL_MODERN=1`.
Anything else goes to the SDK (`answer` returns False, nothing sent):
notifications, GET and DELETE, what the SDK refuses (Content-Type, Accept).
`MCPMINT_SDK_STATELESS=1` sends every POST to the SDK.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

import anyio
import mcp_types
from mcp.server.connection import Connection
from mcp.server.lowlevel import Server
from mcp.server.runner import serve_one
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.message import ServerMessageMetadata
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from .exchange import Exchange, frame, reply, to_json
from .jsonrpc import parse_json

__all__ = ["StatelessKernel", "plain_post"]

logger = logging.getLogger(__name__)

_PING_INTERVAL: Final = 15.0  # sse-starlette's default, which the SDK uses
_SSE_HEADERS: Final = [
    (b"cache-control", b"no-cache, no-transform"),
    (b"connection", b"keep-alive"),
    (b"content-type", b"text/event-stream"),
    (b"x-accel-buffering", b"no"),
]
_JSON: Final = b"application/json"
_VERSIONS: Final = (*HANDSHAKE_PROTOCOL_VERSIONS, *MODERN_PROTOCOL_VERSIONS)
# Streams of their own: left to the SDK.
_SDK_METHODS: Final = frozenset({"subscriptions/listen"})


def plain_post(scope: Scope, json_response: bool) -> str | None:
    """The protocol version of a POST the SDK would take as is, else None.

    "" when there is no MCP-Protocol-Version header. The SDK's checks, in its
    order: Content-Type (starts with, then is, application/json), the version
    header (a handshake-era one), Accept (JSON, and event streams unless
    `json_response`; wildcards count).
    """
    content_type = accept = version = None
    for name, value in scope["headers"]:
        if name == b"content-type" and content_type is None:
            content_type = value
        elif name == b"accept" and accept is None:
            accept = value
        elif name == b"mcp-protocol-version" and version is None:
            version = value
    if content_type is None:
        return None
    content_type = content_type.lower()
    if not content_type.startswith(_JSON):
        return None
    parts = content_type.split(b";")[0].split(b",")
    if not any(part.strip() == _JSON for part in parts):
        return None
    if version is None:
        found = ""
    else:
        found = version.decode("latin-1")
        if found not in _VERSIONS:
            return None
    kinds = [
        kind.split(b";")[0].strip().lower() for kind in (accept or b"").split(b",")
    ]
    wildcard = b"*/*" in kinds
    if not (wildcard or _JSON in kinds or b"application/*" in kinds):
        return None
    if json_response or wildcard:
        return found
    return found if b"text/event-stream" in kinds or b"text/*" in kinds else None


class StatelessKernel:
    """Answers a stateless handshake-era request POST (see the module docstring)."""

    def __init__(
        self, server: Server[Any], manager: StreamableHTTPSessionManager
    ) -> None:
        self._server = server
        self._manager = manager
        self.json_response = manager.json_response
        self._modern = None
        if os.environ.get("MCPMINT_KERNEL_MODERN") == "1":
            # Imported only here: it uses the SDK's private single-exchange module.
            from .stateless_modern import ModernKernel

            self._modern = ModernKernel(server, manager)

    async def answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        body: bytes,
        version: str,
    ) -> bool:
        """Answer the request in `body` (passed `check_document` and `plain_post`).

        False, with nothing sent, for a request left to the SDK.
        """
        if version in MODERN_PROTOCOL_VERSIONS:
            modern = self._modern
            return modern is not None and await modern.answer(
                scope, receive, send, body
            )
        document = parse_json(body)
        if document["method"] in _SDK_METHODS:
            return False
        request = Request(scope, receive)
        request._body = body  # as the SDK's transport leaves it: already read
        metadata = ServerMessageMetadata(
            request_context=request, can_send_request=not self.json_response
        )
        request_id = document["id"]
        params = document.get("params")
        connection = Connection.from_envelope(
            version or mcp_types.DEFAULT_NEGOTIATED_VERSION, None, None
        )
        if self.json_response:
            exchange = Exchange(request_id, params, metadata, None)
            reply = await self._run(exchange, document["method"], params, connection)
            data = to_json(reply)
            headers = [
                (b"content-type", _JSON),
                (b"content-length", str(len(data)).encode()),
            ]
            await send(
                {"type": "http.response.start", "status": 200, "headers": headers}
            )
            await send({"type": "http.response.body", "body": data})
            return True
        await send(
            {"type": "http.response.start", "status": 200, "headers": _SSE_HEADERS}
        )
        exchange = Exchange(request_id, params, metadata, send)
        async with anyio.create_task_group() as group:
            group.start_soon(_watch, receive, send, exchange, group.cancel_scope)
            reply = await self._run(exchange, document["method"], params, connection)
            await send(frame(reply, more=False))
            group.cancel_scope.cancel()
        return True

    async def _run(
        self,
        exchange: Exchange,
        method: str,
        params: Mapping[str, Any] | None,
        connection: Connection,
    ) -> dict[str, Any]:
        """The JSON-RPC answer, as the SDK's dispatcher words it."""
        answer = serve_one(
            self._server,
            exchange,
            method,
            params,
            connection=connection,
            # Entered once by the manager's run(); the SDK offers no accessor.
            lifespan_state=self._manager._lifespan_state,
        )
        return await reply(exchange, method, answer)


async def _watch(
    receive: Receive, send: Send, exchange: Exchange, handler: anyio.CancelScope
) -> None:
    """Cancel the handler when the client leaves; ping while it runs."""
    while True:
        with anyio.move_on_after(_PING_INTERVAL):
            message = await receive()
            if message["type"] == "http.disconnect":
                if not exchange.settled:  # still running: the client left
                    handler.cancel()
                return
            continue
        if exchange.settled:
            return
        ping = f": ping - {datetime.now(UTC)}\r\n\r\n".encode()
        await send({"type": "http.response.body", "body": ping, "more_body": True})
