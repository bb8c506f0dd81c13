"""POST bodies checked before the SDK sees them: read whole (within the size cap),
parsed once, refused with their JSON-RPC error as HTTP 400 when they carry no message,
else replayed to the SDK's app as if never read.

On Streamable HTTP too, in both protocol eras: the SDK answers a body that is not
JSON with its parser's text (`Parse error: ...` and a pydantic dump), and its
2026-07-28 entry answers a request with an object, boolean, float or null id with
its own -32600 text; here both get the same error as on every other road.
"""

from __future__ import annotations

import logging
from typing import Protocol

import mcp_types
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .jsonrpc import PARSE_ERROR_MESSAGE, InvalidMessage, check_document, parse_json
from .security import deny

logger = logging.getLogger(__name__)


class SsePosts:
    """POST /messages/: a body that is no JSON-RPC message gets its JSON-RPC error.

    With status 400 and the error as an `application/json` body: the SDK answers
    400 "Could not parse message" (with a logged traceback) to what it cannot
    parse, and takes a request with an object or boolean id for a notification.
    """

    def __init__(
        self, app: ASGIApp, max_body_size: int, kernel: _Answers | None = None
    ) -> None:
        self._app = app
        self._max_body_size = max_body_size
        self._kernel = kernel  # takes the checked body as it is (`sse_kernel`)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self._app(scope, receive, send)
            return
        length = post_headers(scope)[0]
        checked = await checked_post(scope, receive, send, length, self._max_body_size)
        if checked is None:
            return
        if self._kernel is not None:
            await self._kernel.post(scope, receive, send, checked[0])
        else:
            await self._app(scope, replay(checked[0], receive), send)


class _Answers(Protocol):
    async def post(
        self, scope: Scope, receive: Receive, send: Send, body: bytes
    ) -> None: ...


async def checked_post(
    scope: Scope, receive: Receive, send: Send, length: bytes | None, limit: int
) -> tuple[bytes, mcp_types.RequestId | None] | None:
    """The body and its request's id (None for other messages).

    None when the POST was answered here: 413 past `limit`, 400 with the JSON-RPC
    error owed to a body that is not JSON (-32700) or no JSON-RPC message (-32600),
    or nothing when the client left.
    """
    body = await read_body(scope, receive, send, length, limit)
    if body is None:
        return None
    try:
        # ~2 µs for a typical call; the SDK parses it again.
        return body, check_document(parse_json(body))
    except ValueError:
        parse_error = mcp_types.PARSE_ERROR
        await refuse(send, InvalidMessage(parse_error, PARSE_ERROR_MESSAGE))
    except InvalidMessage as invalid:
        await refuse(send, invalid)
    return None


def post_headers(scope: Scope) -> tuple[bytes | None, str | None, str | None]:
    """Content-Length, Mcp-Session-Id and MCP-Protocol-Version (first of each)."""
    length: bytes | None = None
    session: str | None = None
    version: str | None = None
    for name, value in scope["headers"]:
        if name == b"content-length" and length is None:
            length = value
        elif name == b"mcp-session-id" and session is None:
            session = value.decode("latin-1")
        elif name == b"mcp-protocol-version" and version is None:
            version = value.decode("latin-1")
    return length, session, version


async def read_body(
    scope: Scope, receive: Receive, send: Send, length: bytes | None, limit: int
) -> bytes | None:
    """The whole body; None if the client left or it was too large (413 sent)."""
    if length is not None and length.isdigit() and int(length) > limit:
        await deny(scope, send, 413, "Request body too large", {})
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None  # the client left
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            await deny(scope, send, 413, "Request body too large", {})
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands over the body already read, then the real one."""
    pending: list[Message] = [{"type": "http.request", "body": body}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed


async def refuse(send: Send, invalid: InvalidMessage) -> None:
    """Answer 400 with the JSON-RPC error owed as an `application/json` body."""
    logger.debug("POST refused: %s", invalid)
    body = invalid.wire()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})
