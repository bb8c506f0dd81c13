"""Hostile clients on Streamable HTTP (the shared `serve` process): malformed and
wrong messages, early calls, repeated ids, oversized bodies, slow peers, vanishing
clients. Each gets the right JSON-RPC error or HTTP status, and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from client_checks import (
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    WRONG_SHAPES,
    assert_error,
    http_session,
    run,
    still_serving,
)
from hardening_support import (
    LIMIT,
    ServerProcess,
    call,
    echo_text,
    initialize,
    sse_messages,
    wait_until,
)
from raw_clients import (
    HttpSession,
    http_client,
    open_raw,
    raw_post,
    reset,
)


def test_http_malformed_json_gets_a_parse_error(network_server: ServerProcess) -> None:
    async def main() -> None:
        async with http_session(network_server) as session:
            for body in (
                b"{bad",
                b'{"jsonrpc": "2.0", "id": 1, "method": "ping"',
                b"\xff\xfe",
                b"",
            ):
                response = await session.post(None, raw=body)
                assert response.status_code == 400, (body, response.status_code)
                assert_error(sse_messages(response.text)[0], PARSE_ERROR, None)
        await still_serving(network_server)

    run(main())


@pytest.mark.parametrize("shape", list(WRONG_SHAPES))
def test_http_messages_that_are_not_json_rpc_get_invalid_request(
    network_server: ServerProcess, shape: str
) -> None:
    message, request_id = WRONG_SHAPES[shape]

    async def main() -> None:
        async with http_session(network_server) as session:
            response = await session.post(message)
            answers = sse_messages(response.text) if response.text.strip() else []
            assert response.status_code in (200, 400) and answers, (
                response.status_code,
                response.text,
            )
            assert_error(answers[0], INVALID_REQUEST, request_id)
        await still_serving(network_server)

    run(main())


def test_http_unknown_method_gets_method_not_found(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with http_session(network_server) as session:
            answer = await session.request(
                {"jsonrpc": "2.0", "id": "x-1", "method": "no/such/method"}
            )
            assert_error(answer, METHOD_NOT_FOUND, "x-1")

    run(main())


def test_http_calls_before_initialisation_are_refused(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with http_client() as client:
            fresh = HttpSession(client, network_server.base + "/mcp")
            response = await fresh.post(call(1, "get_conditions", {"city": "early"}))
            assert response.status_code == 400, response.text
            assert sse_messages(response.text)[0]["error"]["code"] == INVALID_REQUEST
            bogus = HttpSession(
                client, network_server.base + "/mcp", session_id="0" * 32
            )
            response = await bogus.post(call(2, "get_conditions", {"city": "early"}))
            assert response.status_code == 404, response.text
            half = HttpSession(
                client, network_server.base + "/mcp"
            )  # initialize, but no `initialized`
            response = await half.post(initialize())
            half.session_id = response.headers["mcp-session-id"]
            answer = await half.request(call(3, "get_conditions", {"city": "half"}))
            assert answer["id"] == 3  # a result or an error, either is fine
            await half.close()
        await still_serving(network_server)

    run(main())


def test_http_duplicate_request_ids_are_each_answered(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with http_session(network_server) as session:
            same = [call(7, "get_forecast", {"city": f"sleep:0.{n}"}) for n in (3, 4)]
            try:  # the second POST with id 7 took over the first one's answer stream
                answers = await asyncio.wait_for(
                    asyncio.gather(*(session.request(m) for m in same)), 10
                )
            except TimeoutError:
                raise AssertionError(
                    "a POST with a repeated id was never answered"
                ) from None
            assert sorted(
                a["result"]["structuredContent"]["city"] for a in answers
            ) == ["sleep:0.3", "sleep:0.4"]
        await still_serving(network_server)

    run(main())


def test_http_oversized_body_is_refused_with_413(network_server: ServerProcess) -> None:
    async def main() -> None:
        async with http_session(network_server) as session:
            big = call(3, "get_conditions", {"city": "x" * (LIMIT + 1)})
            response = await session.post(big)
            assert response.status_code == 413, response.status_code
        await still_serving(network_server)

    run(main())


def test_http_slow_senders_and_slow_readers_do_not_hold_up_others(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with http_session(network_server) as session:
            # A sender that stops half way through its headers, and one half way through
            # its body.
            stalled_head = await open_raw(network_server.port)
            stalled_head[1].write(raw_post(network_server.port, b"{}")[:40])
            body = json.dumps(call(1, "get_conditions", {"city": "slow"})).encode()
            stalled_body = await open_raw(network_server.port)
            stalled_body[1].write(
                raw_post(network_server.port, body, session.session_id)[:-10]
            )
            # Readers that ask for 60 kB answers and read nothing, with a tiny receive
            # buffer.
            lazy = []
            for n in range(8):
                reader, writer = await open_raw(
                    network_server.port, receive_buffer=4096
                )
                big = json.dumps(
                    call(n, "get_conditions", {"city": "big:60000"})
                ).encode()
                writer.write(raw_post(network_server.port, big, session.session_id))
                lazy.append((reader, writer))
            await asyncio.sleep(0.5)
            for n in range(20):
                answer = await session.request(
                    call(100 + n, "get_conditions", {"city": f"busy-{n}"})
                )
                assert echo_text(answer) == f"echo:busy-{n}"
            for _, writer in [stalled_head, stalled_body, *lazy]:
                reset(writer)
        await still_serving(network_server)

    run(main())


def test_http_client_vanishing_mid_call_leaves_the_session_which_cancels_on_delete(
    network_server: ServerProcess,
) -> None:
    # Streamable HTTP: a dropped connection is not a cancel (the spec says so); the call
    # goes on until the client cancels it or ends its session.
    async def main() -> None:
        async with http_session(network_server) as session:
            reader, writer = await open_raw(network_server.port)
            body = json.dumps(call(9, "get_forecast", {"city": "hang:http"})).encode()
            writer.write(raw_post(network_server.port, body, session.session_id))
            await writer.drain()
            assert await asyncio.to_thread(
                wait_until, network_server.marker("hanging-http").exists, 10
            )
            reset(writer)
            await still_serving(network_server)
            assert (
                echo_text(
                    await session.request(call(10, "get_conditions", {"city": "same"}))
                )
                == "echo:same"
            )
        assert await asyncio.to_thread(
            wait_until, network_server.marker("cancelled-http").exists, 10
        )

    run(main())
