"""A loopback authorization server, a second one with the same keys (another
issuer), and the oauth-notes server trusting the first, shared by a session."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from oauth_support import (
    SHORT,
    Provider,
    Server,
    World,
    generate_server,
    signing_key,
    start_server,
)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generate_server(tmp_path_factory.mktemp("oauth-notes"))
    sys.path.insert(0, str(root))
    return root


@pytest.fixture(scope="session")
def world(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    workdir = tmp_path_factory.mktemp("authz")
    key = signing_key("key-1")
    provider = Provider(workdir, [key]).start()
    other = Provider(workdir, [key]).start()
    servers: dict[str, Server] = {}
    try:
        for command, extra in (("serve", ()), ("http", ("--oauth-filter-tools",))):
            servers[command] = start_server(
                generated, workdir, command, provider.issuer, *extra
            )
        expired = provider.token(SHORT, servers["serve"].resource)
        # The token lives 1 s, the server allows 5 s of clock skew.
        yield World(provider, other, servers, generated, expired, time.monotonic() + 7)
    finally:
        codes = {name: server.stop() for name, server in servers.items()}
        provider.stop()
        other.stop()
    assert codes == {name: 0 for name in servers}, codes
