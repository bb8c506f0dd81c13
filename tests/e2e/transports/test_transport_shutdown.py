"""SIGTERM on a network server: calls in flight finish, then it exits 0."""

from __future__ import annotations

import signal
import time
import uuid
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest
from transport_helpers import ServerProcess, connect, spawn, wait_for

from listening import ready

pytestmark = pytest.mark.timeout(60)

KINDS = ["http", "sse", "websocket"]


def _serve(pkg_root: Path, tmp_path: Path, grace: str) -> ServerProcess:
    def launch() -> ServerProcess:
        return spawn(pkg_root, tmp_path, ["serve", "--grace-period", grace])

    return ready(launch(), launch)


async def _calls_across_sigterm(server: ServerProcess, steps: int) -> dict[str, Any]:
    """Start a slow call per transport, SIGTERM once all run; return outcomes."""
    outcomes: dict[str, Any] = {}
    tags = {kind: f"{kind}-{uuid.uuid4().hex}" for kind in KINDS}

    async def call(kind: str) -> None:
        try:
            async with connect(kind, server) as client:
                # The client lists tools before checking a first result: do it
                # now, a request sent after the drain would find the server gone.
                await client.list_tools()
                arguments = {"steps": steps, "delay": 0.1, "tag": tags[kind]}
                outcomes[kind] = await client.call_tool("slow", arguments)
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert on
            outcomes.setdefault(kind, exc)

    async with anyio.create_task_group() as tg:
        for kind in KINDS:
            tg.start_soon(call, kind)
        for tag in tags.values():
            started = server.marker(f"{tag}.started")
            assert await anyio.to_thread.run_sync(wait_for, started)
        server.proc.send_signal(signal.SIGTERM)
    outcomes["tags"] = tags
    return outcomes


def test_sigterm_during_calls_lets_them_finish_then_exits_zero(
    pkg_root: Path, tmp_path: Path
) -> None:
    server = _serve(pkg_root, tmp_path, "10")
    try:
        signalled = time.monotonic()
        outcomes = anyio.run(_calls_across_sigterm, server, 10)
        assert server.proc.wait(timeout=15) == 0
    finally:
        server.stop(signal.SIGKILL)
    for kind in KINDS:
        assert getattr(outcomes[kind], "content", None), (kind, outcomes[kind])
        assert outcomes[kind].content[0].text == "done 10"
    assert time.monotonic() - signalled < 10
    assert "Traceback" not in server.stderr()


def test_calls_past_the_grace_period_are_cancelled_and_it_still_exits_zero(
    pkg_root: Path, tmp_path: Path
) -> None:
    server = _serve(pkg_root, tmp_path, "0.5")
    try:
        outcomes = anyio.run(_calls_across_sigterm, server, 400)
        assert server.proc.wait(timeout=15) == 0
    finally:
        server.stop(signal.SIGKILL)
    for kind, tag in outcomes["tags"].items():
        assert isinstance(outcomes[kind], Exception), kind
        assert server.marker(f"{tag}.cancelled").exists(), kind
    assert "Grace period over" in server.stderr()


def test_a_second_signal_cuts_the_drain_short_and_still_exits_zero(
    pkg_root: Path, tmp_path: Path
) -> None:
    server = _serve(pkg_root, tmp_path, "60")
    tag = f"force-{uuid.uuid4().hex}"

    async def scenario() -> BaseException | None:
        try:
            async with connect("websocket", server) as client:
                async with anyio.create_task_group() as tg:
                    arguments = {"steps": 400, "delay": 0.1, "tag": tag}
                    tg.start_soon(client.call_tool, "slow", arguments)
                    started = server.marker(f"{tag}.started")
                    assert await anyio.to_thread.run_sync(wait_for, started)
                    server.proc.send_signal(signal.SIGTERM)
                    await anyio.sleep(0.3)
                    server.proc.send_signal(signal.SIGTERM)
        except Exception as exc:  # noqa: BLE001 - the call is meant to be cut
            return exc
        return None

    signalled = time.monotonic()
    try:
        assert anyio.run(scenario) is not None
        assert server.proc.wait(timeout=15) == 0
    finally:
        server.stop(signal.SIGKILL)
    assert time.monotonic() - signalled < 8
    assert server.marker(f"{tag}.cancelled").exists()
    assert "Traceback" not in server.stderr()
