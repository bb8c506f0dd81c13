"""stdio on the SDK's threaded transport: Windows, trio, files on stdin or stdout.

The SDK's reader takes a request whose id is an object, a boolean, a float or null
for a notification (its model drops the id) and answers nothing to a line that is
not JSON. So stdin is read here, each line checked as on the asyncio-pipes path
(see `jsonrpc`): a line that is no message is answered here and never reaches the
SDK, which reads only the lines that are messages.
"""

from __future__ import annotations

import io
import logging
import math
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, BinaryIO

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.shared.message import SessionMessage

from .jsonrpc import InvalidMessage, parse_message

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

logger = logging.getLogger(__name__)


async def run_sdk_stdio(server: Server[Any], stop: anyio.Event | None) -> None:
    """Serve `server` on the SDK's stdio transport until end of input or `stop`."""
    from mcp.server.stdio import stdio_server

    refused_send, refused_receive = anyio.create_memory_object_stream[InvalidMessage](
        math.inf
    )
    with _private_stdin() as wire:
        text = io.TextIOWrapper(wire, encoding="utf-8", errors="replace")
        lines = _CheckedLines(anyio.wrap_file(text), refused_send)
        async with (
            stdio_server(stdin=lines) as (read, write),  # type: ignore[arg-type]
            anyio.create_task_group() as tg,
        ):
            if stop is not None:
                tg.start_soon(_cancel_when_set, stop, tg.cancel_scope)
            answered = anyio.Event()
            tg.start_soon(_answer_refused, refused_receive, write, answered)
            relay_send, relay_receive = anyio.create_memory_object_stream[
                SessionMessage | Exception
            ](0)
            tg.start_soon(_relay, read, relay_send, answered)
            options = server.create_initialization_options()
            await server.run(relay_receive, write, options)
            tg.cancel_scope.cancel()
        with suppress(ValueError):
            text.detach()  # the wire is not closed: a worker thread may still read it


class _CheckedLines:
    """The lines of stdin that are messages; the others go to `refused`."""

    def __init__(
        self,
        source: anyio.AsyncFile[str],
        refused: MemoryObjectSendStream[InvalidMessage],
    ) -> None:
        self._source = source
        self._refused = refused

    def __aiter__(self) -> AsyncIterator[str]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[str]:
        with self._refused:  # closed at end of input
            async for line in self._source:
                if not line or line.isspace():
                    continue
                try:
                    parse_message(line)
                except InvalidMessage as exc:
                    logger.debug("Line refused: %s", exc)
                    self._refused.send_nowait(exc)
                    continue
                yield line


async def _answer_refused(
    refused: MemoryObjectReceiveStream[InvalidMessage],
    write: MemoryObjectSendStream[SessionMessage],
    answered: anyio.Event,
) -> None:
    async with refused:
        async for invalid in refused:
            with suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
                await write.send(SessionMessage(invalid.reply))
    answered.set()


async def _relay(
    read: MemoryObjectReceiveStream[SessionMessage | Exception],
    relay: MemoryObjectSendStream[SessionMessage | Exception],
    answered: anyio.Event,
) -> None:
    """Pass messages on; at end of input, end only once refused lines are answered."""
    async with relay:
        async for item in read:
            await relay.send(item)
        with anyio.move_on_after(5):
            await answered.wait()


async def _cancel_when_set(event: anyio.Event, scope: anyio.CancelScope) -> None:
    await event.wait()
    scope.cancel()


@contextmanager
def _private_stdin() -> Iterator[BinaryIO]:
    """stdin's wire on a private descriptor; fd 0 reads the null device meanwhile.

    As the SDK does when it reads stdin itself: a handler or child process that
    reads stdin gets end of input instead of protocol lines. The private
    descriptor is never closed (a worker thread may still block on it).
    """
    try:
        private = os.dup(0)
        null = os.open(os.devnull, os.O_RDONLY)
    except OSError:  # no usable fd 0: read what Python has
        import sys

        yield sys.stdin.buffer
        return
    os.dup2(null, 0)
    os.close(null)
    try:
        yield os.fdopen(private, "rb", closefd=False)
    finally:
        os.dup2(private, 0)
