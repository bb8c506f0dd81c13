"""Load: 16 concurrent clients on Streamable HTTP (stateful and stateless) and WebSocket,
every answer matched to its request, zero errors.

CI runs 16 x 50 calls per transport; MCPMINT_LOAD_FULL=1 runs 16 x 1,000
(MCPMINT_LOAD_CALLS sets any other count). The figures go to stdout (`-s` shows them).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hardening_support import env_int, full_run, start_server
from load_clients import http_load, run_clients, websocket_load

CLIENTS = 16
CALLS = env_int("MCPMINT_LOAD_CALLS", 1000 if full_run() else 50)

MODES = {
    "http-stateful": (["http"], "/mcp"),
    "http-stateless": (["http", "--stateless"], "/mcp"),
    "websocket": (["websocket"], "/ws"),
}


@pytest.mark.parametrize("mode", list(MODES))
def test_concurrent_clients_get_every_answer_matched_and_no_errors(
    tmp_path: Path, mode: str
) -> None:
    args, path = MODES[mode]
    server = start_server(tmp_path, args)
    try:
        if mode == "websocket":
            one = websocket_load(server.ws_url, CALLS)
        else:
            one = http_load(server.base + path, CALLS)
        tally = asyncio.run(
            asyncio.wait_for(run_clients(CLIENTS, one), 60 + CALLS * 0.5)
        )
    finally:
        status = server.stop()
    print(tally.summary(f"{mode} ({CLIENTS} clients x {CALLS} calls)"))
    assert tally.errors == [], tally.errors[:10]
    assert tally.answered == CLIENTS * CALLS
    assert status == 0, server.stderr()
