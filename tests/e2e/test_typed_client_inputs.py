"""The typed client answers a server's input requests through the callbacks given to
`connect`, in both protocol eras; without one it declares nothing and the server
refuses the call (-32021).

Runs the committed conformance example in process (its handler of
`test_input_required_result_elicitation` asks the user's name).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp.shared.exceptions import MCPError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "generated_examples" / "conformance"))

from conformance_server.client import ConformanceClient  # noqa: E402
from conformance_server.server import build_server  # noqa: E402


async def answer_name(context: Any, params: types.ElicitRequestParams) -> Any:
    assert params.message == "What is your name?"
    return types.ElicitResult(action="accept", content={"name": "Ada"})


@pytest.mark.parametrize("mode", ["legacy", "auto"], ids=["handshake", "2026-07-28"])
def test_the_typed_client_answers_through_its_callback(mode: str) -> None:
    async def main() -> tuple[str, str | None]:
        async with ConformanceClient.connect(
            build_server(), mode=mode, elicitation_callback=answer_name
        ) as client:
            greeting = await client.test_input_required_result_elicitation()
            return greeting, client.client.protocol_version

    greeting, version = anyio.run(main)
    assert greeting == "Hello, Ada!"
    assert (version == "2026-07-28") == (mode == "auto")


@pytest.mark.parametrize("mode", ["legacy", "auto"], ids=["handshake", "2026-07-28"])
def test_without_a_callback_the_call_is_refused(mode: str) -> None:
    async def main() -> None:
        async with ConformanceClient.connect(build_server(), mode=mode) as client:
            await client.test_input_required_result_elicitation()

    with pytest.raises(MCPError) as refused:
        anyio.run(main)
    assert refused.value.error.code == types.MISSING_REQUIRED_CLIENT_CAPABILITY
