"""Hostile clients on every transport: each gets the right JSON-RPC error or a clean close,
and the server keeps serving everyone else (a normal call on a fresh connection after each).

One `serve` process (Streamable HTTP, SSE and WebSocket on one port, body and frame size
capped at 64 KiB) serves the network tests; each stdio test starts its own process.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from hardening_support import (
    INITIALIZED,
    TOKEN,
    HttpSession,
    ServerProcess,
    SseSession,
    StdioProcess,
    call,
    cancel,
    echo_text,
    http_client,
    initialize,
    sse_messages,
    start_server,
    wait_until,
    websocket,
    ws_handshake,
    ws_receive,
    ws_request,
)

LIMIT = 65_536
PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND = -32700, -32600, -32601

# Messages that are JSON but not JSON-RPC requests, and the id the error must carry.
WRONG_SHAPES: dict[str, tuple[Any, Any]] = {
    "no-method": ({"jsonrpc": "2.0", "id": 11}, 11),
    "jsonrpc-1.0": ({"jsonrpc": "1.0", "id": 12, "method": "ping"}, 12),
    "no-jsonrpc": ({"id": 13, "method": "ping"}, 13),
    "method-not-a-string": ({"jsonrpc": "2.0", "id": 14, "method": 5}, 14),
    "params-not-structured": ({"jsonrpc": "2.0", "id": 15, "method": "ping", "params": "x"}, 15),
    "object-id": ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}, None),
    "boolean-id": ({"jsonrpc": "2.0", "id": True, "method": "ping"}, None),
    "array": ([1, 2], None),
    "number": (42, None),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("hostile-clients")
    args = ["serve", "--max-body-size", str(LIMIT), "--ws-max-size", str(LIMIT)]
    running = start_server(workdir, args)
    try:
        yield running
    finally:
        status = running.stop()
    assert status == 0, running.stderr()


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 45))


async def still_serving(server: ServerProcess) -> None:
    """A normal call on a fresh connection of every network transport."""
    assert server.proc.poll() is None, server.stderr()
    async with http_client() as client:
        session = HttpSession(client, server.base + "/mcp")
        await session.handshake()
        assert echo_text(await session.request(call(1, "get_conditions", {"city": "after-http"}))) == "echo:after-http"
        await session.close()
        async with SseSession(client, server.base) as sse:
            await sse.handshake()
            assert echo_text(await sse.request(call(1, "get_conditions", {"city": "after-sse"}))) == "echo:after-sse"
    async with websocket(server.ws_url) as ws:
        await ws_handshake(ws)
        assert echo_text(await ws_request(ws, call(1, "get_conditions", {"city": "after-ws"}))) == "echo:after-ws"


async def answer_to(what: Any, receiving: Any) -> dict[str, Any]:
    """The next message, or a failure that says what went unanswered."""
    try:
        message: dict[str, Any] = await receiving
    except TimeoutError:
        raise AssertionError(f"no answer to {what!r}") from None
    return message


def assert_error(message: dict[str, Any], code: int, request_id: Any) -> None:
    assert message.get("jsonrpc") == "2.0" and "result" not in message, message
    assert message["error"]["code"] == code and message.get("id") == request_id, message


# ---------------------------------------------------------------------------------------
# Raw sockets: what no HTTP library sends


def raw_post(port: int, body: bytes, session: str | None = None, path: str = "/mcp") -> bytes:
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


async def open_raw(port: int, receive_buffer: int | None = None) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
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


@asynccontextmanager
async def http_session(server: ServerProcess) -> AsyncIterator[HttpSession]:
    """An initialised stateful session, deleted afterwards."""
    async with http_client() as client:
        session = HttpSession(client, server.base + "/mcp")
        await session.handshake()
        yield session
        await session.close()


# ---------------------------------------------------------------------------------------
# Streamable HTTP


def test_http_malformed_json_gets_a_parse_error(server: ServerProcess) -> None:
    async def main() -> None:
        async with http_session(server) as session:
            for body in (b"{bad", b'{"jsonrpc": "2.0", "id": 1, "method": "ping"', b"\xff\xfe", b""):
                response = await session.post(None, raw=body)
                assert response.status_code == 400, (body, response.status_code)
                assert_error(sse_messages(response.text)[0], PARSE_ERROR, None)
        await still_serving(server)

    run(main())


@pytest.mark.parametrize("shape", list(WRONG_SHAPES))
def test_http_messages_that_are_not_json_rpc_get_invalid_request(server: ServerProcess, shape: str) -> None:
    message, request_id = WRONG_SHAPES[shape]

    async def main() -> None:
        async with http_session(server) as session:
            response = await session.post(message)
            answers = sse_messages(response.text) if response.text.strip() else []
            assert response.status_code in (200, 400) and answers, (response.status_code, response.text)
            assert_error(answers[0], INVALID_REQUEST, request_id)
        await still_serving(server)

    run(main())


def test_http_unknown_method_gets_method_not_found(server: ServerProcess) -> None:
    async def main() -> None:
        async with http_session(server) as session:
            answer = await session.request({"jsonrpc": "2.0", "id": "x-1", "method": "no/such/method"})
            assert_error(answer, METHOD_NOT_FOUND, "x-1")

    run(main())


def test_http_calls_before_initialisation_are_refused(server: ServerProcess) -> None:
    async def main() -> None:
        async with http_client() as client:
            fresh = HttpSession(client, server.base + "/mcp")
            response = await fresh.post(call(1, "get_conditions", {"city": "early"}))
            assert response.status_code == 400, response.text
            assert sse_messages(response.text)[0]["error"]["code"] == INVALID_REQUEST
            bogus = HttpSession(client, server.base + "/mcp", session_id="0" * 32)
            response = await bogus.post(call(2, "get_conditions", {"city": "early"}))
            assert response.status_code == 404, response.text
            half = HttpSession(client, server.base + "/mcp")  # initialize, but no `initialized`
            response = await half.post(initialize())
            half.session_id = response.headers["mcp-session-id"]
            answer = await half.request(call(3, "get_conditions", {"city": "half"}))
            assert answer["id"] == 3  # a result or an error, either is fine
            await half.close()
        await still_serving(server)

    run(main())


def test_http_duplicate_request_ids_are_each_answered(server: ServerProcess) -> None:
    async def main() -> None:
        async with http_session(server) as session:
            same = [call(7, "get_forecast", {"city": f"sleep:0.{n}"}) for n in (3, 4)]
            try:  # the second POST with id 7 took over the first one's answer stream
                answers = await asyncio.wait_for(asyncio.gather(*(session.request(m) for m in same)), 10)
            except TimeoutError:
                raise AssertionError("a POST with a repeated id was never answered") from None
            assert sorted(a["result"]["structuredContent"]["city"] for a in answers) == ["sleep:0.3", "sleep:0.4"]
        await still_serving(server)

    run(main())


def test_http_oversized_body_is_refused_with_413(server: ServerProcess) -> None:
    async def main() -> None:
        async with http_session(server) as session:
            big = call(3, "get_conditions", {"city": "x" * (LIMIT + 1)})
            response = await session.post(big)
            assert response.status_code == 413, response.status_code
        await still_serving(server)

    run(main())


def test_http_slow_senders_and_slow_readers_do_not_hold_up_others(server: ServerProcess) -> None:
    async def main() -> None:
        async with http_session(server) as session:
            # A sender that stops half way through its headers, and one half way through its body.
            stalled_head = await open_raw(server.port)
            stalled_head[1].write(raw_post(server.port, b"{}")[:40])
            body = json.dumps(call(1, "get_conditions", {"city": "slow"})).encode()
            stalled_body = await open_raw(server.port)
            stalled_body[1].write(raw_post(server.port, body, session.session_id)[:-10])
            # Readers that ask for 60 kB answers and read nothing, with a tiny receive buffer.
            lazy = []
            for n in range(8):
                reader, writer = await open_raw(server.port, receive_buffer=4096)
                big = json.dumps(call(n, "get_conditions", {"city": "big:60000"})).encode()
                writer.write(raw_post(server.port, big, session.session_id))
                lazy.append((reader, writer))
            await asyncio.sleep(0.5)
            for n in range(20):
                answer = await session.request(call(100 + n, "get_conditions", {"city": f"busy-{n}"}))
                assert echo_text(answer) == f"echo:busy-{n}"
            for _, writer in [stalled_head, stalled_body, *lazy]:
                reset(writer)
        await still_serving(server)

    run(main())


def test_http_client_vanishing_mid_call_leaves_the_session_which_cancels_on_delete(server: ServerProcess) -> None:
    # Streamable HTTP: a dropped connection is not a cancel (the spec says so); the call
    # goes on until the client cancels it or ends its session.
    async def main() -> None:
        async with http_session(server) as session:
            reader, writer = await open_raw(server.port)
            body = json.dumps(call(9, "get_forecast", {"city": "hang:http"})).encode()
            writer.write(raw_post(server.port, body, session.session_id))
            await writer.drain()
            assert await asyncio.to_thread(wait_until, server.marker("hanging-http").exists, 10)
            reset(writer)
            await still_serving(server)
            assert echo_text(await session.request(call(10, "get_conditions", {"city": "same"}))) == "echo:same"
        assert await asyncio.to_thread(wait_until, server.marker("cancelled-http").exists, 10)

    run(main())


# ---------------------------------------------------------------------------------------
# WebSocket


def test_websocket_malformed_frames_get_errors_and_keep_the_connection(server: ServerProcess) -> None:
    async def main() -> None:
        async with websocket(server.ws_url) as ws:
            await ws_handshake(ws)
            await ws.send("{bad")
            assert_error(await ws_receive(ws), PARSE_ERROR, None)
            await ws.send(b"\x00\x01binary")
            assert_error(await ws_receive(ws), INVALID_REQUEST, None)
            await ws.send(json.dumps([initialize(1)]))
            assert_error(await ws_receive(ws), INVALID_REQUEST, None)
            assert echo_text(await ws_request(ws, call(2, "get_conditions", {"city": "same-conn"}))) == "echo:same-conn"
        await still_serving(server)

    run(main())


@pytest.mark.parametrize("shape", list(WRONG_SHAPES))
def test_websocket_messages_that_are_not_json_rpc_get_invalid_request(server: ServerProcess, shape: str) -> None:
    message, request_id = WRONG_SHAPES[shape]

    async def main() -> None:
        async with websocket(server.ws_url) as ws:
            await ws_handshake(ws)
            await ws.send(json.dumps(message))
            assert_error(await answer_to(message, ws_receive(ws, timeout=3)), INVALID_REQUEST, request_id)
            assert echo_text(await ws_request(ws, call(2, "get_conditions", {"city": "same-conn"}))) == "echo:same-conn"

    run(main())


def test_websocket_unknown_methods_and_early_calls_get_errors(server: ServerProcess) -> None:
    async def main() -> None:
        async with websocket(server.ws_url) as ws:
            answer = await ws_request(ws, call(1, "get_conditions", {"city": "early"}))
            assert "error" in answer and answer["id"] == 1, answer
            await ws_handshake(ws)
            assert_error(await ws_request(ws, {"jsonrpc": "2.0", "id": 2, "method": "no/such"}), METHOD_NOT_FOUND, 2)
            answer = await ws_request(ws, call(3, "no_such_tool", {}))
            assert "error" in answer, answer

    run(main())


def test_websocket_duplicate_request_ids_are_each_answered(server: ServerProcess) -> None:
    async def main() -> None:
        async with websocket(server.ws_url) as ws:
            await ws_handshake(ws)
            for n in (3, 4):
                await ws.send(json.dumps(call(7, "get_forecast", {"city": f"sleep:0.{n}"})))
            answers = [await ws_receive(ws), await ws_receive(ws)]
            assert [a["id"] for a in answers] == [7, 7]
            assert sorted(a["result"]["structuredContent"]["city"] for a in answers) == ["sleep:0.3", "sleep:0.4"]

    run(main())


def test_websocket_oversized_frame_closes_with_1009(server: ServerProcess) -> None:
    async def main() -> None:
        from websockets.exceptions import ConnectionClosed

        async with websocket(server.ws_url) as ws:
            await ws_handshake(ws)
            await ws.send(json.dumps(call(3, "get_conditions", {"city": "x" * (LIMIT + 1)})))
            with pytest.raises(ConnectionClosed) as closed:
                await ws_receive(ws)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        await still_serving(server)

    run(main())


def test_websocket_slow_reader_does_not_hold_up_others(server: ServerProcess) -> None:
    async def main() -> None:
        async with websocket(server.ws_url, max_size=None, max_queue=1) as lazy:
            await ws_handshake(lazy)
            for n in range(50):  # 50 answers of 60 kB each, never read
                await lazy.send(json.dumps(call(n, "get_conditions", {"city": "big:60000"})))
            await asyncio.sleep(0.5)
            async with websocket(server.ws_url) as ws:
                await ws_handshake(ws)
                for n in range(20):
                    answer = await asyncio.wait_for(ws_request(ws, call(n, "get_conditions", {"city": f"w{n}"})), 5)
                    assert echo_text(answer) == f"echo:w{n}"
            lazy.transport.abort()
        await still_serving(server)

    run(main())


def test_websocket_client_vanishing_mid_call_cancels_the_handler(server: ServerProcess) -> None:
    async def main() -> None:
        async with websocket(server.ws_url) as ws:
            await ws_handshake(ws)
            await ws.send(json.dumps(call(1, "get_forecast", {"city": "hang:ws"})))
            assert await asyncio.to_thread(wait_until, server.marker("hanging-ws").exists, 10)
            ws.transport.abort()  # no close frame, no FIN handshake
        assert await asyncio.to_thread(wait_until, server.marker("cancelled-ws").exists, 10)
        await still_serving(server)

    run(main())


# ---------------------------------------------------------------------------------------
# Legacy SSE


def test_sse_malformed_and_wrong_messages_are_refused_and_the_stream_survives(server: ServerProcess) -> None:
    async def main() -> None:
        async with http_client() as client, SseSession(client, server.base) as sse:
            await sse.handshake()
            for body in (b"{bad", b"[1, 2]", b'{"jsonrpc": "2.0", "id": 1}', b"\xff"):
                response = await sse.post(None, raw=body)
                assert response.status_code == 400, (body, response.status_code)
            assert_error(await sse.request({"jsonrpc": "2.0", "id": 5, "method": "no/such"}), METHOD_NOT_FOUND, 5)
            assert echo_text(await sse.request(call(6, "get_conditions", {"city": "same-stream"}))) == "echo:same-stream"
        await still_serving(server)

    run(main())


def test_sse_posts_without_a_live_session_are_refused(server: ServerProcess) -> None:
    async def main() -> None:
        async with http_client() as client:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            response = await client.post(server.base + "/messages/", json=initialize(), headers=headers)
            assert response.status_code == 400
            unknown = server.base + "/messages/?session_id=" + "0" * 32
            assert (await client.post(unknown, json=initialize(), headers=headers)).status_code == 404
            garbage = server.base + "/messages/?session_id=not-hex"
            assert (await client.post(garbage, json=initialize(), headers=headers)).status_code == 400
            async with SseSession(client, server.base) as sse:
                answer = await sse.request(call(1, "get_conditions", {"city": "early"}))
                assert "error" in answer, answer
                oversized = await sse.post(call(2, "get_conditions", {"city": "x" * (LIMIT + 1)}))
                assert oversized.status_code == 413
                await sse.handshake()
                assert echo_text(await sse.request(call(3, "get_conditions", {"city": "ok"}))) == "echo:ok"
        await still_serving(server)

    run(main())


def test_sse_client_vanishing_mid_call_cancels_the_handler(server: ServerProcess) -> None:
    async def main() -> None:
        async with http_client() as client:
            sse = SseSession(client, server.base)
            await sse.__aenter__()
            await sse.handshake()
            response = await sse.post(call(1, "get_forecast", {"city": "hang:sse"}))
            assert response.status_code == 202
            assert await asyncio.to_thread(wait_until, server.marker("hanging-sse").exists, 10)
            await sse.abort()
        assert await asyncio.to_thread(wait_until, server.marker("cancelled-sse").exists, 10)
        await still_serving(server)

    run(main())


# ---------------------------------------------------------------------------------------
# stdio: one client per process; "keeps serving" means the same process answers after.


def test_stdio_malformed_lines_get_a_parse_error_and_the_process_keeps_serving(tmp_path: Path) -> None:
    async def main() -> None:
        async with StdioProcess(tmp_path) as stdio:
            await stdio.handshake()
            await stdio.send_line(b"{bad")
            try:
                assert_error(await answer_to(b"{bad", stdio.receive(timeout=3)), PARSE_ERROR, None)
            finally:
                answer = await stdio.request(call(2, "get_conditions", {"city": "after"}))
                assert echo_text(answer) == "echo:after"

    run(main())


@pytest.mark.parametrize("shape", ["no-method", "jsonrpc-1.0", "array", "object-id"])
def test_stdio_messages_that_are_not_json_rpc_get_invalid_request(tmp_path: Path, shape: str) -> None:
    message, request_id = WRONG_SHAPES[shape]

    async def main() -> None:
        async with StdioProcess(tmp_path) as stdio:
            await stdio.handshake()
            await stdio.send(message)
            try:
                assert_error(await answer_to(message, stdio.receive(timeout=3)), INVALID_REQUEST, request_id)
            finally:
                assert echo_text(await stdio.request(call(2, "get_conditions", {"city": "after"}))) == "echo:after"

    run(main())


def test_stdio_early_calls_unknown_methods_duplicates_and_huge_lines(tmp_path: Path) -> None:
    async def main() -> None:
        async with StdioProcess(tmp_path) as stdio:
            answer = await stdio.request(call(1, "get_conditions", {"city": "early"}))
            assert "error" in answer, answer
            await stdio.handshake()
            assert_error(await stdio.request({"jsonrpc": "2.0", "id": 2, "method": "no/such"}), METHOD_NOT_FOUND, 2)
            for n in (3, 4):
                await stdio.send(call(7, "get_forecast", {"city": f"sleep:0.{n}"}))
            answers = [await stdio.receive(), await stdio.receive()]
            assert [a["id"] for a in answers] == [7, 7]
            huge = call(8, "get_conditions", {"city": "x" * 4_000_000})  # 4 MB on one line
            answer = await stdio.request(huge, timeout=30)
            assert answer["result"]["isError"] is True  # too long for the City schema
            assert echo_text(await stdio.request(call(9, "get_conditions", {"city": "after"}))) == "echo:after"

    run(main())


def test_stdio_client_closing_its_end_mid_call_ends_the_process(tmp_path: Path) -> None:
    async def main() -> None:
        async with StdioProcess(tmp_path) as stdio:
            await stdio.handshake()
            await stdio.send(call(1, "get_forecast", {"city": "hang:stdio"}))
            assert await asyncio.to_thread(wait_until, (stdio.state / "hanging-stdio").exists, 10)
            assert await stdio.close_input() == 0
            assert (stdio.state / "cancelled-stdio").exists()

    run(main())


def test_stdio_cancel_notification_for_an_unknown_request_is_ignored(tmp_path: Path) -> None:
    async def main() -> None:
        async with StdioProcess(tmp_path) as stdio:
            await stdio.handshake()
            await stdio.send(cancel(12345))
            await stdio.send(INITIALIZED)
            assert echo_text(await stdio.request(call(1, "get_conditions", {"city": "fine"}))) == "echo:fine"

    run(main())
