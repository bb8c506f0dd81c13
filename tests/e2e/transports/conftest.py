"""Fixtures: the test package on disk, and network servers shared by a session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from transport_helpers import ServerProcess, build_package, free_port, spawn

from listening import ready

# name -> (arguments, environment): every network way of running the CLI.
NETWORK_SERVERS: dict[str, tuple[list[str], dict[str, str]]] = {
    "serve": (
        ["serve", "--max-body-size", "200000", "--ws-max-size", "1048576"],
        {},
    ),
    "http": (["http", "--token-env", "FAKEPKG_TEST_TOKEN"], {}),
    "stateless": (["http", "--stateless"], {}),
    "json": (["http", "--json-response"], {}),
    "sse": (["sse"], {}),
    # Configured from the environment only, as in a container.
    "websocket": (["websocket"], {"MCP_WS_MAX_SIZE": "65536"}),
}


@pytest.fixture(scope="session")
def pkg_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding `fakepkg`, importable here and by child processes."""
    root = build_package(tmp_path_factory.mktemp("pkgroot"))
    sys.path.insert(0, str(root))
    return root


@pytest.fixture(scope="session")
def servers(
    pkg_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServerProcess]]:
    """Every entry of NETWORK_SERVERS running, started side by side."""
    running: dict[str, ServerProcess] = {}

    def launch(name: str) -> ServerProcess:
        args, env = NETWORK_SERVERS[name]
        port = free_port()
        env = {"FAKEPKG_TOKEN_ENV": "FAKEPKG_TEST_TOKEN", **env}
        if name == "websocket":
            env["MCP_PORT"] = str(port)
        workdir = tmp_path_factory.mktemp(name)
        return spawn(pkg_root, workdir, args, env=env, port=port)

    try:
        for name in NETWORK_SERVERS:
            running[name] = launch(name)  # all at once: they start side by side
        for name, server in running.items():
            running[name] = ready(server, lambda name=name: launch(name))
        yield running
    finally:
        for server in running.values():
            server.proc.terminate()  # all at once: each takes a moment to drain
        codes = {name: server.wait() for name, server in running.items()}
    assert codes == {name: 0 for name in running}, codes  # SIGTERM exits 0
