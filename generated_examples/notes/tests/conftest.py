"""Setup for the tests of the notes server: yours to edit.

mcpmint writes this file once and never overwrites it. The generated tests in
test_notes_server.py call every example of the spec through your handlers, in this
process and in a server subprocess on stdio; each of those tests asks for the
`server_env` and `client_options` fixtures below, so whatever your handlers need to
answer the examples goes here: environment variables (API keys of a test account, a
settings value), a fresh database file in `tmp_path`, data the examples expect to
find, and the answers of a client your tools ask things of (sampling, elicitation).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def server_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment variables of the server under test, fresh for each test.

    They are set in this process (the in-process tests) and passed to the stdio
    server subprocess. `tmp_path` is an empty folder of this test's own: point a
    database or data directory there, e.g.
    `"MY_DB": str(tmp_path / "test.db")`, and fill it here if the examples expect
    rows to exist.
    """
    env: dict[str, str] = {}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def client_options() -> dict[str, Any]:
    """Keyword arguments of the test client (`mcp.Client`), for tools that call back
    into the client: `sampling_callback`, `elicitation_callback`,
    `list_roots_callback`, `logging_callback`. None needed by default.
    """
    return {}
