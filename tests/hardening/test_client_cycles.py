"""Memory stays bounded while clients come and go: connect, initialise, call, disconnect.

Each transport gets a fresh server; after a warm-up the server's RSS (from /proc) may
grow by at most 20 MB per 1,000 cycles (never less than 8 MB of slack for the
allocator). CI runs 300 cycles per transport; MCPMINT_LOAD_FULL=1 runs 1,000
(MCPMINT_CYCLES sets any other count).

Abandoned HTTP sessions (never DELETEd, ~40 kB each) are ended by the idle timeout:
the server runs with a short one, and its warm-up lasts longer than the timeout, so
the sessions alive at any moment (the rate of cycles times the timeout) are already
counted in the RSS before the measured cycles.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from hardening_support import (
    ServerProcess,
    call,
    echo_text,
    env_int,
    full_run,
    initialize,
    rss_mb,
    start_server,
)
from raw_clients import (
    HttpSession,
    SseSession,
    http_client,
    websocket,
    ws_handshake,
    ws_request,
)

CYCLES = env_int("MCPMINT_CYCLES", 1000 if full_run() else 300)
WARM_UP = 50
IDLE_TIMEOUT = 0.5  # seconds, for the abandoned sessions
# Warm-ups that must outlast IDLE_TIMEOUT (~150 cycles/s here, more on faster machines).
WARM_UPS = {"http-abandoned": 250}
PARALLEL = 8
MB_PER_1000 = 20.0


async def http_cycle(server: ServerProcess, n: int, *, delete: bool) -> None:
    async with http_client() as client:  # a new connection every cycle
        session = HttpSession(client, server.base + "/mcp")
        await session.handshake()
        assert (
            echo_text(
                await session.request(call(1, "get_conditions", {"city": f"c{n}"}))
            )
            == f"echo:c{n}"
        )
        if delete:
            await session.close()


async def websocket_cycle(server: ServerProcess, n: int) -> None:
    async with websocket(server.ws_url) as ws:
        await ws_handshake(ws)
        assert (
            echo_text(
                await ws_request(ws, call(1, "get_conditions", {"city": f"c{n}"}))
            )
            == f"echo:c{n}"
        )
        ws.transport.abort()  # gone without a close frame


async def sse_cycle(server: ServerProcess, n: int) -> None:
    async with http_client() as client, SseSession(client, server.base) as sse:
        await sse.handshake()
        assert (
            echo_text(await sse.request(call(1, "get_conditions", {"city": f"c{n}"})))
            == f"echo:c{n}"
        )


CYCLE: dict[str, tuple[list[str], Callable[[ServerProcess, int], Awaitable[None]]]] = {
    "http-delete": (["http"], lambda s, n: http_cycle(s, n, delete=True)),
    "http-abandoned": (
        ["http", "--session-idle-timeout", str(IDLE_TIMEOUT)],
        lambda s, n: http_cycle(s, n, delete=False),
    ),
    "http-stateless": (
        ["http", "--stateless"],
        lambda s, n: http_cycle(s, n, delete=False),
    ),
    "websocket": (["websocket"], websocket_cycle),
    "sse": (["sse"], sse_cycle),
}


async def cycles(server: ServerProcess, kind: str, start: int, count: int) -> None:
    cycle = CYCLE[kind][1]
    numbers = iter(range(start, start + count))

    async def worker() -> None:
        for n in numbers:
            await cycle(server, n)

    await asyncio.gather(*(worker() for _ in range(PARALLEL)))


@pytest.mark.parametrize("kind", list(CYCLE))
def test_memory_stays_bounded_over_connect_disconnect_cycles(
    tmp_path: Path, kind: str
) -> None:
    server = start_server(tmp_path, CYCLE[kind][0])
    warm_up = WARM_UPS.get(kind, WARM_UP)
    try:
        asyncio.run(cycles(server, kind, 0, warm_up))
        time.sleep(0.5)
        before = rss_mb(server.proc.pid)
        started = time.monotonic()
        asyncio.run(cycles(server, kind, warm_up, CYCLES))
        elapsed = time.monotonic() - started
        time.sleep(1.0)  # let closed connections finish winding down
        after = rss_mb(server.proc.pid)
    finally:
        status = server.stop()
    growth = after - before
    allowed = max(8.0, MB_PER_1000 * CYCLES / 1000)
    print(
        f"{kind}: {CYCLES} cycles in {elapsed:.1f} s, RSS {before:.1f} -> {after:.1f} MB (+{growth:.1f})"
    )
    assert status == 0, server.stderr()
    assert growth <= allowed, (
        f"{kind}: RSS grew {growth:.1f} MB over {CYCLES} cycles (allowed {allowed:.0f})"
    )


def test_idle_sessions_expire_with_404_and_the_session_limit_refuses_with_503(
    tmp_path: Path,
) -> None:
    args = ["http", "--session-idle-timeout", str(IDLE_TIMEOUT), "--max-sessions", "2"]
    server = start_server(tmp_path, args)

    async def main() -> None:
        async with http_client() as client:
            url = server.base + "/mcp"
            first, second = HttpSession(client, url), HttpSession(client, url)
            await first.handshake()
            await second.handshake()
            # The limit: a third session is refused; the open ones go on.
            refused = await HttpSession(client, url).post(initialize())
            assert refused.status_code == 503, refused.text
            assert "Too many open sessions" in refused.text
            # A call that outlasts the idle timeout holds its session open, while the
            # other session, idle, expires: its id answers 404, as an unknown one's.
            city = f"sleep:{IDLE_TIMEOUT * 2}"
            answer = await second.request(call(1, "get_forecast", {"city": city}))
            assert answer["result"]["structuredContent"]["city"] == city
            answer = await second.request(call(2, "get_conditions", {"city": "2nd"}))
            assert echo_text(answer) == "echo:2nd"
            response = await first.post(call(3, "get_conditions", {"city": "x"}))
            assert response.status_code == 404, response.text
            await asyncio.sleep(IDLE_TIMEOUT * 3)
            response = await second.post(call(4, "get_conditions", {"city": "x"}))
            assert response.status_code == 404, response.text
            # The expired sessions left room for a new one.
            fresh = HttpSession(client, url)
            await fresh.handshake()
            answer = await fresh.request(call(5, "get_conditions", {"city": "new"}))
            assert echo_text(answer) == "echo:new"
            await fresh.close()

    try:
        asyncio.run(asyncio.wait_for(main(), 30))
    finally:
        status = server.stop()
    assert status == 0, server.stderr()
