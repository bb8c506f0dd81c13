"""The floor: JSON-RPC with no MCP SDK and no validation, on each road.

stdio: a bare asyncio loop over the pipes. http: a bare ASGI endpoint answering each
POST with a JSON body (no sessions, no event stream). websocket: a bare ASGI WebSocket
answering each text frame. Same uvicorn settings as the other servers. It answers the
same results as the real servers, built from plain dicts, so what is left above it is
the cost of the MCP layers.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from common import parse_args

SERVER_INFO = {"name": "bench-floor", "version": "1.0.0"}


def search(arguments: dict[str, Any]) -> dict[str, Any]:
    filters = arguments.get("filters") or {}
    tags = filters.get("tags") or ["python"]
    min_score = filters.get("min_score", 0)
    hits = []
    for i in range(arguments.get("limit", 10)):
        score = round(1.0 - 0.05 * i, 2)
        if score < min_score:
            break
        hits.append(
            {
                "id": f"doc-{i}",
                "title": f"{arguments['query']} #{i}",
                "score": score,
                "tags": tags,
            }
        )
    return {"total": len(hits), "hits": hits}


def answer(message: dict[str, Any]) -> dict[str, Any] | None:
    """The reply to one JSON-RPC message (None for a notification)."""
    if "id" not in message:
        return None
    method = message.get("method")
    params = message.get("params") or {}
    if method == "initialize":
        result: dict[str, Any] = {
            "protocolVersion": params.get("protocolVersion", "2025-11-25"),
            "capabilities": {"tools": {}},
            "serverInfo": SERVER_INFO,
        }
    elif method == "tools/call" and params.get("name") == "echo":
        text = params["arguments"]["text"]
        result = {"content": [{"type": "text", "text": text}], "isError": False}
    elif method == "tools/call" and params.get("name") == "search":
        data = search(params["arguments"])
        result = {
            "content": [{"type": "text", "text": json.dumps(data)}],
            "structuredContent": data,
            "isError": False,
        }
    elif method in ("ping", "tools/list"):
        result = {"tools": []} if method == "tools/list" else {}
    else:
        error = {"code": -32601, "message": f"Method not found: {method}"}
        return {"jsonrpc": "2.0", "id": message["id"], "error": error}
    return {"jsonrpc": "2.0", "id": message["id"], "result": result}


async def serve_stdio() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(0, "rb", buffering=0)
    )
    transport, _ = await loop.connect_write_pipe(
        asyncio.Protocol, os.fdopen(1, "wb", buffering=0)
    )
    while line := await reader.readline():
        reply = answer(json.loads(line))
        if reply is not None:
            transport.write(json.dumps(reply).encode() + b"\n")
    transport.close()


class HttpFloor:
    """POST → JSON reply; a notification → 202."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        reply = answer(json.loads(body))
        out = b"" if reply is None else json.dumps(reply).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(out)).encode()),
        ]
        await send(
            {
                "type": "http.response.start",
                "status": 200 if out else 202,
                "headers": headers,
            }
        )
        await send({"type": "http.response.body", "body": out})


class WebSocketFloor:
    """Each text frame → its JSON reply in a text frame."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await HttpFloor()(scope, receive, send)
            return
        await receive()  # websocket.connect
        await send({"type": "websocket.accept", "subprotocol": "mcp"})
        while True:
            event = await receive()
            if event["type"] != "websocket.receive":
                return
            reply = answer(json.loads(event["text"]))
            if reply is not None:
                await send({"type": "websocket.send", "text": json.dumps(reply)})


def main() -> None:
    args = parse_args(("stdio", "http", "websocket"))
    if args.road == "stdio":
        sys.stdout.flush()
        asyncio.run(serve_stdio())
        return
    import uvicorn

    app = HttpFloor() if args.road == "http" else WebSocketFloor()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
