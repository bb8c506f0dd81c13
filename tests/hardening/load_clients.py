"""Light load-test clients: many concurrent raw MCP clients, every answer checked.

Each client initialises properly, then makes its calls of `get_conditions` with a city
unique to the call, so an answer proves both its id and its content belong to that call.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
from hardening_support import call, echo_text
from raw_clients import HttpSession, http_client, websocket, ws_handshake


@dataclass
class Tally:
    """What a load run did: answers checked, failures, retries, latencies."""

    answered: int = 0
    errors: list[str] = field(default_factory=list)
    retries: int = 0
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    def summary(self, label: str) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        rate = self.answered / self.elapsed if self.elapsed else 0.0
        return (
            f"{label}: {self.answered} calls answered and matched, {len(self.errors)} errors, "
            f"{self.retries} retries, {self.elapsed:.1f} s, {rate:.0f} calls/s, "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"
        )


def expected(client: int, n: int) -> tuple[str, dict[str, Any]]:
    city = f"c{client}-{n}"
    return f"echo:{city}", call(f"{client}:{n}", "get_conditions", {"city": city})


async def run_clients(
    clients: int, one: Callable[[int, Tally], Awaitable[None]]
) -> Tally:
    tally = Tally()
    started = time.monotonic()
    await asyncio.gather(*(one(c, tally) for c in range(clients)))
    tally.elapsed = time.monotonic() - started
    return tally


def http_load(
    url: str, calls: int, *, retries: int = 0, on_call: Callable[[], None] | None = None
) -> Callable[[int, Tally], Awaitable[None]]:
    """One Streamable HTTP client: handshake (session id kept if the server gives one),
    then `calls` sequential calls; with `retries`, a failed call is sent again."""

    async def one(client: int, tally: Tally) -> None:
        async with http_client(limits=httpx2.Limits(max_connections=2)) as http:
            session = HttpSession(http, url)
            await _retrying(session.handshake, retries, tally)
            for n in range(calls):
                text, message = expected(client, n)
                started = time.perf_counter()
                try:
                    answer = await _retrying(
                        lambda m=message: session.request(m), retries, tally
                    )
                    assert echo_text(answer) == text, answer
                    tally.answered += 1
                except Exception as exc:  # counted, not raised: the run goes on
                    tally.errors.append(
                        f"client {client} call {n}: {type(exc).__name__}: {exc}"[:300]
                    )
                tally.latencies.append(time.perf_counter() - started)
                if on_call is not None:
                    on_call()
            if session.session_id:
                await session.close()

    return one


async def _retrying(
    attempt: Callable[[], Awaitable[Any]], retries: int, tally: Tally
) -> Any:
    for tries in range(retries + 1):
        try:
            return await attempt()
        except (AssertionError, httpx2.TransportError):
            if tries == retries:
                raise
            tally.retries += 1
            await asyncio.sleep(0.05 * (tries + 1))


def websocket_load(
    url: str, calls: int, window: int = 4
) -> Callable[[int, Tally], Awaitable[None]]:
    """One WebSocket client with up to `window` calls in flight: answers may come in any
    order, and each must match the call its id names."""

    async def one(client: int, tally: Tally) -> None:
        async with websocket(url) as ws:
            await ws_handshake(ws)
            pending: dict[str, tuple[str, float]] = {}
            slots = asyncio.Semaphore(window)

            async def receive_all() -> None:
                for _ in range(calls):
                    answer = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    text, started = pending.pop(answer["id"])
                    tally.latencies.append(time.perf_counter() - started)
                    try:
                        assert echo_text(answer) == text, answer
                        tally.answered += 1
                    except AssertionError as exc:
                        tally.errors.append(f"client {client}: {exc}"[:300])
                    slots.release()

            receiver = asyncio.create_task(receive_all())
            for n in range(calls):
                await slots.acquire()
                text, message = expected(client, n)
                pending[message["id"]] = (text, time.perf_counter())
                await ws.send(json.dumps(message))
            await receiver
            assert not pending, pending

    return one
