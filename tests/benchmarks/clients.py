"""Light MCP clients, one per road: raw JSON-RPC over pipes, raw HTTP/1.1, raw WebSocket.

The SDK's own client costs more per call than the server it talks to (SDK-NOTES), so
a load test through it would measure the client. These speak the wire directly, after
a proper `initialize` / `notifications/initialized` handshake (protocol 2025-11-25),
and check every answer; the 2026-07-28 client (`ModernHttpSession`) has no
handshake: each request is one POST carrying its own envelope. Every read is
bounded by `TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Protocol

PROTOCOL = "2025-11-25"
MODERN_PROTOCOL = "2026-07-28"
TIMEOUT = 30.0  # seconds, any one read of a call's answer
HANDSHAKE_TIMEOUT = 120.0  # a server still importing under load answers late
CLIENT_INFO = {"name": "mcpmint-bench", "version": "1.0.0"}


class CallError(Exception):
    """A call that did not get the expected answer."""


class Session(Protocol):
    timeout: float

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]: ...
    async def notify(self, method: str, params: dict[str, Any]) -> None: ...
    async def close(self) -> None: ...


def _request(request_id: int, method: str, params: dict[str, Any]) -> bytes:
    message = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
    return json.dumps(message, separators=(",", ":")).encode()


def _notification(method: str, params: dict[str, Any]) -> bytes:
    message = {"jsonrpc": "2.0", "method": method, "params": params}
    return json.dumps(message, separators=(",", ":")).encode()


def result_of(reply: dict[str, Any]) -> dict[str, Any]:
    """The result of a JSON-RPC reply; CallError for an error reply."""
    if "result" not in reply:
        raise CallError(f"JSON-RPC error: {reply.get('error')}")
    result: dict[str, Any] = reply["result"]
    return result


async def initialize(session: Session) -> dict[str, Any]:
    """The MCP handshake: initialize, then notifications/initialized."""
    params = {
        "protocolVersion": PROTOCOL,
        "capabilities": {},
        "clientInfo": CLIENT_INFO,
    }
    session.timeout = HANDSHAKE_TIMEOUT
    try:
        result = result_of(await session.request("initialize", params))
    finally:
        session.timeout = TIMEOUT
    await session.notify("notifications/initialized", {})
    return result


# ------------------------------------------------------------------------------------
# stdio: one JSON message per line over the server's pipes.


class StdioSession:
    """A session over a spawned server's stdin/stdout."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdin is not None and process.stdout is not None
        self._stdin = process.stdin
        self._stdout = process.stdout
        self._next_id = 0
        self.timeout = TIMEOUT

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        self._stdin.write(_request(self._next_id, method, params) + b"\n")
        await self._stdin.drain()
        while True:  # skip notifications and log messages
            line = await asyncio.wait_for(self._stdout.readline(), self.timeout)
            if not line:
                raise CallError("server closed stdout")
            reply: dict[str, Any] = json.loads(line)
            if reply.get("id") == self._next_id:
                return reply

    async def notify(self, method: str, params: dict[str, Any]) -> None:
        self._stdin.write(_notification(method, params) + b"\n")
        await self._stdin.drain()

    async def close(self) -> None:
        self._stdin.close()


# ------------------------------------------------------------------------------------
# HTTP/1.1 on one keep-alive connection.


class HttpConnection:
    """A raw keep-alive HTTP/1.1 connection: enough for JSON, chunked and event streams."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.timeout = TIMEOUT
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port, limit=1 << 22), TIMEOUT
        )

    async def send(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> None:
        if self.writer is None:
            await self.open()
        assert self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        self.writer.write(head + body)
        await self.writer.drain()

    async def read_head(self) -> tuple[int, dict[str, str]]:
        assert self.reader is not None
        status_line = await asyncio.wait_for(self.reader.readline(), self.timeout)
        if not status_line:
            raise ConnectionResetError("connection closed by the server")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = await asyncio.wait_for(self.reader.readline(), self.timeout)
            if line in (b"\r\n", b"\n", b""):
                return status, headers
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()

    async def read_chunk(self) -> bytes:
        """The next chunk of a chunked body; b"" at its end."""
        assert self.reader is not None
        size_line = await asyncio.wait_for(self.reader.readline(), self.timeout)
        size = int(size_line.split(b";")[0], 16)
        data = await asyncio.wait_for(self.reader.readexactly(size + 2), self.timeout)
        return data[:-2]

    async def read_body(self, headers: dict[str, str]) -> bytes:
        assert self.reader is not None
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while chunk := await self.read_chunk():
                parts.append(chunk)
            # A trailer section may follow the last chunk; we never ask for one.
            return b"".join(parts)
        if "content-length" in headers:
            size = int(headers["content-length"])
            return await asyncio.wait_for(self.reader.readexactly(size), self.timeout)
        return await asyncio.wait_for(self.reader.read(), self.timeout)

    async def exchange(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        """One request and its whole response; reconnects once if keep-alive expired."""
        for attempt in (0, 1):
            try:
                await self.send(method, path, headers, body)
                status, response_headers = await self.read_head()
                break
            except (ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                await self.close()
        payload = await self.read_body(response_headers)
        if response_headers.get("connection", "").lower() == "close":
            await self.close()
        return status, response_headers, payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await asyncio.wait_for(self.writer.wait_closed(), 2)
            except (TimeoutError, OSError):
                pass
        self.reader = self.writer = None


def sse_events(payload: bytes) -> list[tuple[str, str]]:
    """(event, data) for each event of a text/event-stream body."""
    events = []
    for block in payload.replace(b"\r\n", b"\n").split(b"\n\n"):
        event, data = "message", []
        for line in block.decode().split("\n"):
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" ") if line[5:6] == " " else line[5:])
        if data:
            events.append((event, "\n".join(data)))
    return events


class StreamableHttpSession:
    """Streamable HTTP: POST per message; the answer as JSON or as an event stream."""

    def __init__(self, host: str, port: int, path: str = "/mcp") -> None:
        self._conn = HttpConnection(host, port)
        self.timeout = TIMEOUT
        self._path = path
        self._next_id = 0
        self._headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        }

    async def _post(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        self._conn.timeout = self.timeout
        return await self._conn.exchange("POST", self._path, self._headers, body)

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        status, headers, payload = await self._post(
            _request(self._next_id, method, params)
        )
        if status != 200:
            raise CallError(f"HTTP {status}: {payload[:200]!r}")
        if method == "initialize":
            if "mcp-session-id" in headers:
                self._headers["Mcp-Session-Id"] = headers["mcp-session-id"]
            self._headers["MCP-Protocol-Version"] = PROTOCOL
        return self._reply(headers, payload)

    def _reply(self, headers: dict[str, str], payload: bytes) -> dict[str, Any]:
        """The answer to request `_next_id`, from a JSON or an event-stream body."""
        if headers.get("content-type", "").startswith("text/event-stream"):
            for _, data in sse_events(payload):
                reply: dict[str, Any] = json.loads(data)
                if reply.get("id") == self._next_id:
                    return reply
            raise CallError("no answer in the event stream")
        answer: dict[str, Any] = json.loads(payload)
        return answer

    async def notify(self, method: str, params: dict[str, Any]) -> None:
        status, _, payload = await self._post(_notification(method, params))
        if status not in (200, 202, 204):
            raise CallError(f"HTTP {status} to a notification: {payload[:200]!r}")

    async def close(self) -> None:
        try:
            if "Mcp-Session-Id" in self._headers:
                headers = {
                    k: v for k, v in self._headers.items() if k != "Content-Type"
                }
                await self._conn.exchange("DELETE", self._path, headers)
        except (TimeoutError, OSError, ValueError):
            pass
        await self._conn.close()


class ModernHttpSession(StreamableHttpSession):
    """Streamable HTTP of protocol 2026-07-28: no handshake, no session; every
    request is one POST with the routing headers (`MCP-Protocol-Version`,
    `Mcp-Method`, `Mcp-Name`) and the envelope in `params._meta` (protocol
    version, client info and capabilities), as the SDK's client sends them."""

    ENVELOPE = {
        "io.modelcontextprotocol/protocolVersion": MODERN_PROTOCOL,
        "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
        "io.modelcontextprotocol/clientCapabilities": {},
    }

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        meta = {**params.get("_meta", {}), **self.ENVELOPE}
        body = _request(self._next_id, method, {**params, "_meta": meta})
        headers = {
            **self._headers,
            "MCP-Protocol-Version": MODERN_PROTOCOL,
            "Mcp-Method": method,
        }
        if method == "tools/call":
            headers["Mcp-Name"] = params["name"]  # ASCII tool names: no encoding
        self._conn.timeout = self.timeout
        status, response_headers, payload = await self._conn.exchange(
            "POST", self._path, headers, body
        )
        if status != 200:
            raise CallError(f"HTTP {status}: {payload[:200]!r}")
        return self._reply(response_headers, payload)

    async def notify(self, method: str, params: dict[str, Any]) -> None:
        raise CallError("2026-07-28 over HTTP has no client notifications")

    async def close(self) -> None:
        await self._conn.close()  # no session to end


class SseSession:
    """Legacy SSE: answers arrive on the GET /sse stream, requests are POSTed."""

    def __init__(self, host: str, port: int) -> None:
        self._stream = HttpConnection(host, port)
        self._post_conn = HttpConnection(host, port)
        self.timeout = TIMEOUT
        self._endpoint = ""
        self._buffer = b""
        self._next_id = 0

    async def connect(self) -> None:
        self._stream.timeout = HANDSHAKE_TIMEOUT
        await self._stream.send("GET", "/sse", {"Accept": "text/event-stream"})
        status, _ = await self._stream.read_head()
        if status != 200:
            raise CallError(f"GET /sse answered {status}")
        event, data = await self._next_event()
        if event != "endpoint":
            raise CallError(f"first event was {event!r}, not 'endpoint'")
        self._endpoint = data
        self._stream.timeout = TIMEOUT

    async def _next_event(self) -> tuple[str, str]:
        while True:
            self._buffer = self._buffer.replace(b"\r\n", b"\n")
            block, sep, rest = self._buffer.partition(b"\n\n")
            if sep:
                self._buffer = rest
                events = sse_events(block)
                if events:  # comments (keep-alive pings) carry no data
                    return events[0]
                continue
            chunk = await self._stream.read_chunk()
            if not chunk:
                raise CallError("event stream ended")
            self._buffer += chunk

    async def _post(self, body: bytes) -> None:
        headers = {"Content-Type": "application/json"}
        self._post_conn.timeout = self._stream.timeout = self.timeout
        status, _, payload = await self._post_conn.exchange(
            "POST", self._endpoint, headers, body
        )
        if status not in (200, 202):
            raise CallError(f"POST answered {status}: {payload[:200]!r}")

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        await self._post(_request(self._next_id, method, params))
        while True:
            _, data = await self._next_event()
            reply: dict[str, Any] = json.loads(data)
            if reply.get("id") == self._next_id:
                return reply

    async def notify(self, method: str, params: dict[str, Any]) -> None:
        await self._post(_notification(method, params))

    async def close(self) -> None:
        await self._post_conn.close()
        await self._stream.close()


class WebSocketSession:
    """One JSON-RPC message per text frame, subprotocol `mcp`, no compression."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._ws: Any = None
        self._next_id = 0
        self.timeout = TIMEOUT

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        self._ws = await asyncio.wait_for(
            connect(self._url, subprotocols=["mcp"], compression=None, max_size=None),  # type: ignore[list-item]
            HANDSHAKE_TIMEOUT,
        )

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        await self._ws.send(_request(self._next_id, method, params).decode())
        while True:
            reply: dict[str, Any] = json.loads(
                await asyncio.wait_for(self._ws.recv(), self.timeout)
            )
            if reply.get("id") == self._next_id:
                return reply

    async def notify(self, method: str, params: dict[str, Any]) -> None:
        await self._ws.send(_notification(method, params).decode())

    async def close(self) -> None:
        if self._ws is not None:
            try:
                await asyncio.wait_for(self._ws.close(), 5)
            except (TimeoutError, OSError):
                pass
