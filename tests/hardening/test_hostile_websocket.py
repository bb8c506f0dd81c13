"""Hostile clients on WebSocket (the shared `serve` process): malformed frames, wrong
messages, early calls, repeated ids, oversized frames, slow readers, vanishing clients.
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
    answer_to,
    assert_error,
    run,
    still_serving,
)
from hardening_support import (
    LIMIT,
    ServerProcess,
    call,
    echo_text,
    initialize,
    wait_until,
)
from raw_clients import (
    websocket,
    ws_handshake,
    ws_receive,
    ws_request,
)


def test_websocket_malformed_frames_get_errors_and_keep_the_connection(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with websocket(network_server.ws_url) as ws:
            await ws_handshake(ws)
            await ws.send("{bad")
            assert_error(await ws_receive(ws), PARSE_ERROR, None)
            await ws.send(b"\x00\x01binary")
            assert_error(await ws_receive(ws), INVALID_REQUEST, None)
            await ws.send(json.dumps([initialize(1)]))
            assert_error(await ws_receive(ws), INVALID_REQUEST, None)
            assert (
                echo_text(
                    await ws_request(
                        ws, call(2, "get_conditions", {"city": "same-conn"})
                    )
                )
                == "echo:same-conn"
            )
        await still_serving(network_server)

    run(main())


@pytest.mark.parametrize("shape", list(WRONG_SHAPES))
def test_websocket_messages_that_are_not_json_rpc_get_invalid_request(
    network_server: ServerProcess, shape: str
) -> None:
    message, request_id = WRONG_SHAPES[shape]

    async def main() -> None:
        async with websocket(network_server.ws_url) as ws:
            await ws_handshake(ws)
            await ws.send(json.dumps(message))
            assert_error(
                await answer_to(message, ws_receive(ws, timeout=3)),
                INVALID_REQUEST,
                request_id,
            )
            assert (
                echo_text(
                    await ws_request(
                        ws, call(2, "get_conditions", {"city": "same-conn"})
                    )
                )
                == "echo:same-conn"
            )

    run(main())


def test_websocket_unknown_methods_and_early_calls_get_errors(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with websocket(network_server.ws_url) as ws:
            answer = await ws_request(ws, call(1, "get_conditions", {"city": "early"}))
            assert "error" in answer and answer["id"] == 1, answer
            await ws_handshake(ws)
            assert_error(
                await ws_request(ws, {"jsonrpc": "2.0", "id": 2, "method": "no/such"}),
                METHOD_NOT_FOUND,
                2,
            )
            answer = await ws_request(ws, call(3, "no_such_tool", {}))
            assert "error" in answer, answer

    run(main())


def test_websocket_duplicate_request_ids_are_each_answered(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with websocket(network_server.ws_url) as ws:
            await ws_handshake(ws)
            for n in (3, 4):
                await ws.send(
                    json.dumps(call(7, "get_forecast", {"city": f"sleep:0.{n}"}))
                )
            answers = [await ws_receive(ws), await ws_receive(ws)]
            assert [a["id"] for a in answers] == [7, 7]
            assert sorted(
                a["result"]["structuredContent"]["city"] for a in answers
            ) == ["sleep:0.3", "sleep:0.4"]

    run(main())


def test_websocket_oversized_frame_closes_with_1009(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        from websockets.exceptions import ConnectionClosed

        async with websocket(network_server.ws_url) as ws:
            await ws_handshake(ws)
            await ws.send(
                json.dumps(call(3, "get_conditions", {"city": "x" * (LIMIT + 1)}))
            )
            with pytest.raises(ConnectionClosed) as closed:
                await ws_receive(ws)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        await still_serving(network_server)

    run(main())


def test_websocket_slow_reader_does_not_hold_up_others(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with websocket(network_server.ws_url, max_size=None, max_queue=1) as lazy:
            await ws_handshake(lazy)
            for n in range(50):  # 50 answers of 60 kB each, never read
                await lazy.send(
                    json.dumps(call(n, "get_conditions", {"city": "big:60000"}))
                )
            await asyncio.sleep(0.5)
            async with websocket(network_server.ws_url) as ws:
                await ws_handshake(ws)
                for n in range(20):
                    answer = await asyncio.wait_for(
                        ws_request(ws, call(n, "get_conditions", {"city": f"w{n}"})), 5
                    )
                    assert echo_text(answer) == f"echo:w{n}"
            lazy.transport.abort()
        await still_serving(network_server)

    run(main())


def test_websocket_client_vanishing_mid_call_cancels_the_handler(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with websocket(network_server.ws_url) as ws:
            await ws_handshake(ws)
            await ws.send(json.dumps(call(1, "get_forecast", {"city": "hang:ws"})))
            assert await asyncio.to_thread(
                wait_until, network_server.marker("hanging-ws").exists, 10
            )
            ws.transport.abort()  # no close frame, no FIN handshake
        assert await asyncio.to_thread(
            wait_until, network_server.marker("cancelled-ws").exists, 10
        )
        await still_serving(network_server)

    run(main())
