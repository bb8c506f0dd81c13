"""The hardening tests import their helpers, the hostile server and the weather example."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
WEATHER = HERE.parents[1] / "generated_examples" / "weather"
for entry in (HERE, WEATHER):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from hardening_support import LIMIT, ServerProcess, start_server  # noqa: E402

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(scope="session", autouse=True)
def loopback_only() -> Iterator[None]:
    """Connections from this process may go to the loopback interface only: a generator
    that fetches a $ref from the internet fails here instead of reaching out."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def allowed(address: object) -> bool:
        if isinstance(address, tuple) and address:
            return str(address[0]) in _LOOPBACK
        return True  # Unix sockets and the like

    def connect(self: socket.socket, address: object) -> None:
        if not allowed(address):
            raise OSError(
                f"hardening tests: no connections outside loopback ({address!r})"
            )
        real_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        if not allowed(address):
            raise OSError(
                f"hardening tests: no connections outside loopback ({address!r})"
            )
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket.socket, "connect_ex", connect_ex)
        yield


@pytest.fixture
def format_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Black's disk cache in a temporary folder: hostile specs must not fill ~/.cache."""
    folder = tmp_path_factory.getbasetemp() / "format-cache"
    monkeypatch.setenv("MCPMINT_CACHE_DIR", str(folder))
    yield folder


@pytest.fixture(scope="session")
def network_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One `serve` process (Streamable HTTP, SSE, WebSocket on one port) for the
    hostile-client tests, with bodies and frames capped at 64 KiB; SIGTERM must exit 0.
    """
    workdir = tmp_path_factory.mktemp("network-server")
    args = ["serve", "--max-body-size", str(LIMIT), "--ws-max-size", str(LIMIT)]
    running = start_server(workdir, args)
    try:
        yield running
    finally:
        status = running.stop()
    assert status == 0, running.stderr()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Known, unfixed bugs (known_bugs.py) are strict expected failures, never skips."""
    from known_bugs import reason_for

    for item in items:
        reason = reason_for(item.nodeid)
        if reason is not None:
            item.add_marker(pytest.mark.xfail(strict=True, reason=reason))
