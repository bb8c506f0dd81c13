"""Fixtures of tests/replicas: the generated server, and a real redis-server.

redis-server comes from Debian (`apt-get install -y redis-server`): it runs in the
foreground on a free loopback port, without persistence, for the whole session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from replicas_support import (
    HANDLER,
    HANDLERS,
    PACKAGE,
    SPEC,
    free_port,
    start_redis,
    stop,
)

from generated_project import generate_project


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("replicas")
    generate_project(root, SPEC)
    handlers = root / "out" / PACKAGE / "handlers"
    for name, body in HANDLERS.items():
        model = "".join(part.capitalize() for part in name.split("_")) + "Input"
        text = HANDLER.format(name=name, model=model, body=body)
        (handlers / f"{name}.py").write_text(text, encoding="utf-8")
    return root / "out"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free loopback port, without persistence."""
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    proc = start_redis(folder, port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        assert stop(proc) == 0, (folder / "redis.log").read_text()
