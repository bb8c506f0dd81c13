"""Hostile clients on legacy SSE (the shared `serve` process): malformed POSTs, posts
without a session, oversized bodies, a stream dropped mid-call.
"""

from __future__ import annotations

import asyncio

from client_checks import (
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    WRONG_SHAPES,
    assert_error,
    run,
    still_serving,
)
from hardening_support import (
    LIMIT,
    TOKEN,
    ServerProcess,
    call,
    echo_text,
    initialize,
    wait_until,
)
from raw_clients import (
    SseSession,
    http_client,
)


def test_sse_malformed_and_wrong_messages_are_refused_and_the_stream_survives(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with (
            http_client() as client,
            SseSession(client, network_server.base) as sse,
        ):
            await sse.handshake()
            for body in (b"{bad", b"[1, 2]", b'{"jsonrpc": "2.0", "id": 1}', b"\xff"):
                response = await sse.post(None, raw=body)
                assert response.status_code == 400, (body, response.status_code)
            assert_error(
                await sse.request({"jsonrpc": "2.0", "id": 5, "method": "no/such"}),
                METHOD_NOT_FOUND,
                5,
            )
            assert (
                echo_text(
                    await sse.request(
                        call(6, "get_conditions", {"city": "same-stream"})
                    )
                )
                == "echo:same-stream"
            )
        await still_serving(network_server)

    run(main())


def test_sse_messages_that_are_not_json_rpc_get_their_json_rpc_error(
    network_server: ServerProcess,
) -> None:
    # The POST answers them (400, the error as a JSON body): nothing reaches the
    # session, which would take an object or boolean id for a notification.
    async def main() -> None:
        async with (
            http_client() as client,
            SseSession(client, network_server.base) as sse,
        ):
            await sse.handshake()
            response = await sse.post(None, raw=b"{bad")
            assert response.status_code == 400, response.text
            assert_error(response.json(), PARSE_ERROR, None)
            for n, (message, request_id) in enumerate(WRONG_SHAPES.values()):
                response = await sse.post(message)
                assert response.status_code == 400, (message, response.text)
                assert_error(response.json(), INVALID_REQUEST, request_id)
                answer = await sse.request(
                    call(100 + n, "get_conditions", {"city": "x"})
                )
                assert echo_text(answer) == "echo:x"  # nothing else came first
        await still_serving(network_server)

    run(main())


def test_sse_posts_without_a_live_session_are_refused(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with http_client() as client:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            response = await client.post(
                network_server.base + "/messages/", json=initialize(), headers=headers
            )
            assert response.status_code == 400
            unknown = network_server.base + "/messages/?session_id=" + "0" * 32
            assert (
                await client.post(unknown, json=initialize(), headers=headers)
            ).status_code == 404
            garbage = network_server.base + "/messages/?session_id=not-hex"
            assert (
                await client.post(garbage, json=initialize(), headers=headers)
            ).status_code == 400
            async with SseSession(client, network_server.base) as sse:
                answer = await sse.request(call(1, "get_conditions", {"city": "early"}))
                assert "error" in answer, answer
                oversized = await sse.post(
                    call(2, "get_conditions", {"city": "x" * (LIMIT + 1)})
                )
                assert oversized.status_code == 413
                await sse.handshake()
                assert (
                    echo_text(
                        await sse.request(call(3, "get_conditions", {"city": "ok"}))
                    )
                    == "echo:ok"
                )
        await still_serving(network_server)

    run(main())


def test_sse_client_vanishing_mid_call_cancels_the_handler(
    network_server: ServerProcess,
) -> None:
    async def main() -> None:
        async with http_client() as client:
            sse = SseSession(client, network_server.base)
            await sse.__aenter__()
            await sse.handshake()
            response = await sse.post(call(1, "get_forecast", {"city": "hang:sse"}))
            assert response.status_code == 202
            assert await asyncio.to_thread(
                wait_until, network_server.marker("hanging-sse").exists, 10
            )
            await sse.abort()
        assert await asyncio.to_thread(
            wait_until, network_server.marker("cancelled-sse").exists, 10
        )
        await still_serving(network_server)

    run(main())
