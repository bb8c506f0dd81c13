"""`--bus-url`: the start-up checks (one line, exit 2, no password), and `RedisBus`
itself against a real redis-server: events cross processes once, a replica's own
event is not delivered twice, and the bus outlives a Redis restart."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from pathlib import Path

import anyio
import pytest
from mcp.server.lowlevel import Server
from mcp.server.subscriptions import ResourceUpdated, ServerEvent, ToolsListChanged
from mcpmint_runtime.redis_bus import BusError, RedisBus, attach_redis_bus, safe_url
from replicas_support import PACKAGE, PYTHON, env_for, free_port, start_redis, stop

pytestmark = pytest.mark.timeout(60)
CHANNEL = "mcpmint:test:changes"


def serve(project: Path, *options: str, **variables: str) -> tuple[int, str]:
    ran = subprocess.run(
        [PYTHON, "-m", PACKAGE, "http", "--port", str(free_port()), *options],
        env=env_for(project, **variables),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return ran.returncode, ran.stderr


def test_a_url_that_is_not_redis_stops_the_server_without_its_password(
    project: Path,
) -> None:
    status, stderr = serve(project, "--bus-url", "http://ops:hunter2@cache:6379/0")
    assert status == 2
    assert stderr == (
        f"python -m {PACKAGE}: error: --bus-url (MCP_BUS_URL): "
        "http://ops:***@cache:6379/0: not a Redis URL "
        "(redis://[:password@]host[:port][/db], rediss://..., unix://PATH)\n"
    )


def test_an_unreachable_redis_stops_the_server_without_its_password(
    project: Path,
) -> None:
    port = free_port()  # nothing listens there
    url = f"redis://:hunter2@127.0.0.1:{port}/0"
    status, stderr = serve(project, MCP_BUS_URL=url)
    assert status == 2
    assert stderr.startswith(
        f"python -m {PACKAGE}: error: --bus-url (MCP_BUS_URL): "
        f"redis://:***@127.0.0.1:{port}/0: Redis does not answer: "
    ), stderr
    assert stderr.count("\n") == 1 and "hunter2" not in stderr


def test_without_the_redis_extra_the_server_says_which_to_install(
    project: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "redis"  # a `redis` first on the path that cannot load
    blocked.mkdir()
    (blocked / "__init__.py").write_text("raise ImportError('not installed')\n")
    path = env_for(project)["PYTHONPATH"]
    url = "redis://127.0.0.1:6379/0"
    status, stderr = serve(
        project, "--bus-url", url, PYTHONPATH=f"{tmp_path}{os.pathsep}{path}"
    )
    assert status == 2
    assert stderr == (
        f"python -m {PACKAGE}: error: --bus-url (MCP_BUS_URL): needs the redis "
        "client: pip install 'mcpmint-runtime[redis]'\n"
    )


def test_a_session_route_without_sessions_stops_the_server(project: Path) -> None:
    for options, variables in (
        (("--stateless", "--session-route", "a"), {}),
        ((), {"MCP_STATELESS": "1", "MCP_SESSION_ROUTE": "a"}),
    ):
        status, stderr = serve(project, *options, **variables)
        assert (status, stderr) == (
            2,
            f"python -m {PACKAGE}: error: --session-route names the replica in session "
            "ids; with --stateless there are none (drop one of the two)\n",
        )


def test_a_server_without_notifications_has_nothing_to_share(redis_url: str) -> None:
    with pytest.raises(BusError) as refused:
        attach_redis_bus(Server("plain"), redis_url)
    assert str(refused.value) == (
        "this server sends no change notifications (the spec declares no "
        "`notifications:`): there is nothing to share"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:pw@h:1/0", "redis://:***@h:1/0"),
        ("rediss://user:pw@h/2", "rediss://user:***@h/2"),
        ("redis://h:6379/0", "redis://h:6379/0"),
        ("redis://u:pw@h:port/0", "redis://u:***@h:port/0"),
    ],
)
def test_a_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert safe_url(url) == shown


class Seen:
    def __init__(self) -> None:
        self.events: list[ServerEvent] = []
        self.remote: list[ServerEvent] = []

    def __call__(self, event: ServerEvent) -> None:
        self.events.append(event)

    async def hook(self, event: ServerEvent) -> None:
        self.remote.append(event)


async def settle(check: object, seconds: float = 5) -> None:
    with anyio.fail_after(seconds):
        while not check():  # type: ignore[operator]
            await anyio.sleep(0.02)


def test_an_event_reaches_the_other_bus_once_and_its_own_listeners_once(
    redis_url: str,
) -> None:
    here, there = RedisBus(redis_url, CHANNEL), RedisBus(redis_url, CHANNEL)
    mine, theirs = Seen(), Seen()
    here.subscribe(mine)
    here.on_remote(mine.hook)
    unsubscribe = there.subscribe(theirs)
    there.on_remote(theirs.hook)

    async def main() -> None:
        async with here.running(), there.running():
            await here.publish(ResourceUpdated(uri="x://a"))
            await there.publish(ToolsListChanged())
            await settle(lambda: len(theirs.events) == 2 and len(mine.events) == 2)
            await anyio.sleep(0.2)  # no echo of its own event comes later
            unsubscribe()
            await here.publish(ToolsListChanged())
            await settle(lambda: len(mine.events) == 3)
            await anyio.sleep(0.2)

    anyio.run(main)
    updated, changed = ResourceUpdated(uri="x://a"), ToolsListChanged()
    assert mine.events == [updated, changed, changed]  # the last one: its own
    assert sorted(map(repr, theirs.events)) == sorted(map(repr, [updated, changed]))
    assert mine.remote == [ToolsListChanged()]  # only what the other one published
    assert theirs.remote == [updated, changed]  # the hook stays after unsubscribe


def test_the_bus_carries_on_after_redis_restarts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis = start_redis(tmp_path, port)
    here, there = RedisBus(url, CHANNEL), RedisBus(url, CHANNEL)
    mine, theirs = Seen(), Seen()
    here.subscribe(mine)
    there.subscribe(theirs)

    async def main() -> subprocess.Popen[bytes]:
        async with here.running(), there.running():
            stop(redis, signal.SIGKILL)
            # Redis is gone: this replica's own listeners still hear the event.
            await here.publish(ResourceUpdated(uri="x://while-down"))
            assert mine.events == [ResourceUpdated(uri="x://while-down")]
            restarted = start_redis(tmp_path, port)
            try:

                async def crossed() -> bool:
                    await here.publish(ToolsListChanged())
                    return ToolsListChanged() in theirs.events

                with anyio.fail_after(15):
                    while not await crossed():
                        await anyio.sleep(0.3)
            except BaseException:
                stop(restarted)
                raise
            return restarted

    with caplog.at_level(logging.WARNING, "mcpmint_runtime.redis_bus"):
        restarted = anyio.run(main)
    assert stop(restarted) == 0
    assert ResourceUpdated(uri="x://while-down") not in theirs.events
    assert any(
        "change event not sent to the other replicas" in r.getMessage()
        for r in caplog.records
    )
