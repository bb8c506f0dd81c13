"""Hostile clients on stdio: one client per process, so "keeps serving" means the
same process answers a normal call afterwards.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from client_checks import (
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    WRONG_SHAPES,
    answer_to,
    assert_error,
    run,
)
from hardening_support import (
    INITIALIZED,
    call,
    cancel,
    echo_text,
    wait_until,
)
from raw_clients import (
    StdioProcess,
)


def test_stdio_malformed_lines_get_a_parse_error_and_the_process_keeps_serving(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        async with StdioProcess(tmp_path) as stdio:
            await stdio.handshake()
            malformed = (
                b"{bad",
                b'{"jsonrpc": "2.0", "id": 1',
                b"\xff\xfe",
                b"nul\x00",
            )
            for n, line in enumerate(malformed):
                await stdio.send_line(line)
                try:
                    assert_error(
                        await answer_to(line, stdio.receive(timeout=3)),
                        PARSE_ERROR,
                        None,
                    )
                finally:
                    answer = await stdio.request(
                        call(2 + n, "get_conditions", {"city": "after"})
                    )
                    assert echo_text(answer) == "echo:after"

    run(main())


def test_stdio_messages_that_are_not_json_rpc_get_invalid_request(
    tmp_path: Path,
) -> None:
    # Every wrong shape in one process (a process per shape costs ~1 s of CPU each).
    async def main() -> None:
        async with StdioProcess(tmp_path) as stdio:
            await stdio.handshake()
            for n, (message, request_id) in enumerate(WRONG_SHAPES.values()):
                await stdio.send(message)
                assert_error(
                    await answer_to(message, stdio.receive(timeout=3)),
                    INVALID_REQUEST,
                    request_id,
                )
                answer = await stdio.request(
                    call(100 + n, "get_conditions", {"city": "after"})
                )
                assert echo_text(answer) == "echo:after"

    run(main())


def test_stdio_early_calls_unknown_methods_duplicates_and_huge_lines(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        async with StdioProcess(tmp_path) as stdio:
            answer = await stdio.request(call(1, "get_conditions", {"city": "early"}))
            assert "error" in answer, answer
            await stdio.handshake()
            assert_error(
                await stdio.request({"jsonrpc": "2.0", "id": 2, "method": "no/such"}),
                METHOD_NOT_FOUND,
                2,
            )
            for n in (3, 4):
                await stdio.send(call(7, "get_forecast", {"city": f"sleep:0.{n}"}))
            answers = [await stdio.receive(), await stdio.receive()]
            assert [a["id"] for a in answers] == [7, 7]
            huge = call(
                8, "get_conditions", {"city": "x" * 4_000_000}
            )  # 4 MB on one line
            answer = await stdio.request(huge, timeout=30)
            assert answer["result"]["isError"] is True  # too long for the City schema
            assert (
                echo_text(
                    await stdio.request(call(9, "get_conditions", {"city": "after"}))
                )
                == "echo:after"
            )

    run(main())


def test_stdio_client_closing_its_end_mid_call_ends_the_process(tmp_path: Path) -> None:
    async def main() -> None:
        async with StdioProcess(tmp_path) as stdio:
            await stdio.handshake()
            await stdio.send(call(1, "get_forecast", {"city": "hang:stdio"}))
            assert await asyncio.to_thread(
                wait_until, (stdio.state / "hanging-stdio").exists, 10
            )
            assert await stdio.close_input() == 0
            assert (stdio.state / "cancelled-stdio").exists()

    run(main())


def test_stdio_cancel_notification_for_an_unknown_request_is_ignored(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        async with StdioProcess(tmp_path) as stdio:
            await stdio.handshake()
            await stdio.send(cancel(12345))
            await stdio.send(INITIALIZED)
            assert (
                echo_text(
                    await stdio.request(call(1, "get_conditions", {"city": "fine"}))
                )
                == "echo:fine"
            )

    run(main())
