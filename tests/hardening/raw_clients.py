"""Light raw MCP clients: JSON-RPC by hand over every transport.

httpx2 for Streamable HTTP and SSE, `websockets` for WebSocket, pipes for stdio, and
plain sockets for what no HTTP library sends. A test can send what no well-behaved
client would, and a load test measures the server rather than the SDK client.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
from hardening_support import (
    INITIALIZED,
    PYTHON,
    TOKEN,
    initialize,
    server_env,
    sse_messages,
)

# --------------------------------------------------------------------------------------
# Streamable HTTP


@dataclass
class HttpSession:
    """A raw Streamable HTTP client: one session id (stateful) or none (stateless)."""

    client: httpx2.AsyncClient
    url: str
    session_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def _headers(self) -> dict[str, str]:
        out = {
            "Authorization": f"Bearer {TOKEN}",
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
            **self.headers,
        }
        if self.session_id:
            out["Mcp-Session-Id"] = self.session_id
        return out

    async def post(self, message: Any, *, raw: bytes | None = None) -> httpx2.Response:
        content = raw if raw is not None else json.dumps(message).encode()
        return await self.client.post(
            self.url, content=content, headers=self._headers()
        )

    async def request(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return the response with its id (fails otherwise)."""
        response = await self.post(message)
        assert response.status_code == 200, (response.status_code, response.text[:500])
        answers = [m for m in sse_messages(response.text) if "id" in m]
        assert [m["id"] for m in answers] == [message["id"]], response.text[:500]
        return answers[0]

    async def handshake(self) -> dict[str, Any]:
        """initialize, keep the session id, then notifications/initialized."""
        response = await self.post(initialize())
        assert response.status_code == 200, (response.status_code, response.text[:500])
        self.session_id = response.headers.get("mcp-session-id")
        result = sse_messages(response.text)[0]
        notified = await self.post(INITIALIZED)
        assert notified.status_code == 202, (notified.status_code, notified.text[:300])
        return result

    async def close(self) -> None:
        """DELETE the session, as a well-behaved client does."""
        if self.session_id:
            await self.client.delete(self.url, headers=self._headers())


_TLS = ssl.create_default_context()  # made once: building one costs ~28 ms per client


def http_client(**kw: Any) -> httpx2.AsyncClient:
    """An HTTP client for loopback servers (a new one is a new connection)."""
    return httpx2.AsyncClient(timeout=httpx2.Timeout(30.0), verify=_TLS, **kw)


# --------------------------------------------------------------------------------------
# WebSocket


@asynccontextmanager
async def websocket(
    url: str, *, max_size: int | None = 2**24, **kw: Any
) -> AsyncIterator[Any]:
    """A raw `websockets` connection with subprotocol mcp and the bearer token."""
    from websockets.asyncio.client import connect

    async with connect(
        url,
        subprotocols=["mcp"],  # type: ignore[list-item]
        additional_headers={"Authorization": f"Bearer {TOKEN}"},
        max_size=max_size,
        open_timeout=10,
        close_timeout=2,
        **kw,
    ) as ws:
        yield ws


async def ws_receive(ws: Any, timeout: float = 10.0) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    return message


async def ws_request(
    ws: Any, message: dict[str, Any], timeout: float = 10.0
) -> dict[str, Any]:
    """Send one request; return its answer (notifications in between are skipped)."""
    await ws.send(json.dumps(message))
    while True:
        answer = await ws_receive(ws, timeout)
        if "id" in answer:
            assert answer["id"] == message["id"], answer
            return answer


async def ws_handshake(ws: Any) -> None:
    answer = await ws_request(ws, initialize())
    assert "result" in answer, answer
    await ws.send(json.dumps(INITIALIZED))


# --------------------------------------------------------------------------------------
# Legacy SSE


class SseSession:
    """GET /sse read by a background task; POSTs to the endpoint it announces."""

    def __init__(self, client: httpx2.AsyncClient, base: str) -> None:
        self.client = client
        self.base = base
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.endpoint = ""
        self._task: asyncio.Task[None] | None = None
        self._stream: Any = None

    async def __aenter__(self) -> SseSession:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        request = self.client.build_request("GET", self.base + "/sse", headers=headers)
        self._stream = await self.client.send(request, stream=True)
        assert self._stream.status_code == 200, self._stream.status_code
        ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._pump(ready))
        self.endpoint = self.base + await asyncio.wait_for(ready, 10)
        return self

    async def _pump(self, ready: asyncio.Future[str]) -> None:
        event: dict[str, str] = {}
        try:
            async for line in self._stream.aiter_lines():
                if line:
                    key, _, value = line.partition(":")
                    event[key] = value.strip()
                    continue
                if event.get("event") == "endpoint" and not ready.done():
                    ready.set_result(event["data"])
                elif event.get("event") == "message":
                    await self.queue.put(json.loads(event["data"]))
                event = {}
        except (httpx2.TransportError, asyncio.CancelledError):
            pass
        finally:
            await self.queue.put(None)

    async def __aexit__(self, *exc: object) -> None:
        await self.abort()

    async def abort(self) -> None:
        """Drop the event stream at once."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._stream is not None:
            await self._stream.aclose()

    async def post(self, message: Any, *, raw: bytes | None = None) -> httpx2.Response:
        content = raw if raw is not None else json.dumps(message).encode()
        headers = {
            "Authorization": f"Bearer {TOKEN}",
            "Content-Type": "application/json",
        }
        return await self.client.post(self.endpoint, content=content, headers=headers)

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:
        message = await asyncio.wait_for(self.queue.get(), timeout)
        assert message is not None, "the event stream ended"
        return message

    async def request(
        self, message: dict[str, Any], timeout: float = 10.0
    ) -> dict[str, Any]:
        response = await self.post(message)
        assert response.status_code == 202, (response.status_code, response.text)
        while True:
            answer = await self.receive(timeout)
            if "id" in answer:
                assert answer["id"] == message["id"], answer
                return answer

    async def handshake(self) -> None:
        answer = await self.request(initialize())
        assert "result" in answer, answer
        response = await self.post(INITIALIZED)
        assert response.status_code == 202


# --------------------------------------------------------------------------------------
# stdio


class StdioProcess:
    """`python -m hostile_server stdio` on pipes, read line by line."""

    def __init__(self, workdir: Path, grace_period: float = 3.0) -> None:
        self.grace_period = grace_period
        self.state = workdir / "state"
        self.state.mkdir(parents=True, exist_ok=True)
        self.log = workdir / "stdio-stderr.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> StdioProcess:
        with self.log.open("wb") as stderr:
            self.proc = await asyncio.create_subprocess_exec(
                PYTHON,
                "-m",
                "hostile_server",
                "stdio",
                "--log-level",
                "warning",
                "--grace-period",
                str(self.grace_period),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
                env=server_env(self.state),
                limit=1 << 24,
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    async def send_line(self, data: bytes) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(data + b"\n")
        await self.proc.stdin.drain()

    async def send(self, message: Any) -> None:
        await self.send_line(json.dumps(message).encode())

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        assert line, f"stdout closed:\n{self.log.read_text(errors='replace')[-3000:]}"
        message: dict[str, Any] = json.loads(line)
        return message

    async def request(
        self, message: dict[str, Any], timeout: float = 10.0
    ) -> dict[str, Any]:
        await self.send(message)
        while True:
            answer = await self.receive(timeout)
            if "id" in answer:
                assert answer["id"] == message["id"], answer
                return answer

    async def handshake(self) -> None:
        answer = await self.request(initialize())
        assert "result" in answer, answer
        await self.send(INITIALIZED)

    async def close_input(self) -> int:
        """Close stdin (the client went away) and return the exit status."""
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.close()
        return await asyncio.wait_for(self.proc.wait(), 15)


# --------------------------------------------------------------------------------------
# Raw sockets


def raw_post(
    port: int, body: bytes, session: str | None = None, path: str = "/mcp"
) -> bytes:
    """An HTTP/1.1 POST of `body`, as bytes to write on a socket."""
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Authorization: Bearer {TOKEN}",
        "Content-Type: application/json",
        "Accept: application/json, text/event-stream",
        f"Content-Length: {len(body)}",
    ]
    if session:
        head.append(f"Mcp-Session-Id: {session}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def open_raw(
    port: int, receive_buffer: int | None = None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A plain TCP connection to a loopback port (optionally a tiny receive buffer)."""
    sock = socket.socket()
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    return await asyncio.open_connection(sock=sock)


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset: the client vanished, no FIN, no close frame."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
