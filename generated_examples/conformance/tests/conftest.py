"""Setup for the tests of the conformance server: yours to edit.

mcpmint writes this file once and never overwrites it. The generated tests in
test_conformance_server.py call every example of the spec through your handlers, in this
process and in a server subprocess on stdio; each of those tests asks for the
`server_env` and `client_options` fixtures below, so whatever your handlers need to
answer the examples goes here: environment variables (API keys of a test account, a
settings value), a fresh database file in `tmp_path`, data the examples expect to
find, and the answers of a client your tools ask things of (sampling, elicitation).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mcp_types as types
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
    # Server-to-client requests need the 2025-11-25 session (`mode="legacy"`).
    return {
        "mode": "legacy",
        "sampling_callback": sample,
        "elicitation_callback": elicit,
        "list_roots_callback": roots,
    }


async def sample(
    context: Any, params: types.CreateMessageRequestParams
) -> types.CreateMessageResult:
    """The client's LLM, as the sampling example expects it: it says hello."""
    return types.CreateMessageResult(
        role="assistant",
        content=types.TextContent(type="text", text="Hello!"),
        model="test-model",
    )


# What the user answers to each form, by the form's message (the examples' results).
ANSWERS: dict[str, types.ElicitResult] = {
    "Please provide your information": types.ElicitResult(
        action="accept", content={"username": "ada", "email": "ada@example.com"}
    ),
    "Test client default value handling - please accept with defaults": (
        types.ElicitResult(action="accept", content={"name": "John Doe"})
    ),
    # The input-request tools (test_input_required_result_*).
    "What is your name?": types.ElicitResult(
        action="accept", content={"name": "Alice"}
    ),
    "Step 1: What is your name?": (
        types.ElicitResult(action="accept", content={"name": "Alice"})
    ),
    "Step 2: What is your favorite color?": (
        types.ElicitResult(action="accept", content={"color": "blue"})
    ),
    "Please confirm": types.ElicitResult(action="accept", content={"ok": True}),
    "Say yes": types.ElicitResult(action="accept", content={"ok": True}),
}


async def elicit(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
    """The user answering a form: the answers above, else a refusal."""
    return ANSWERS.get(params.message, types.ElicitResult(action="decline"))


async def roots(context: Any) -> types.ListRootsResult:
    """The client's roots: one test root."""
    root = types.Root.model_validate({"uri": "file:///test/root", "name": "Test Root"})
    return types.ListRootsResult(roots=[root])
