"""Serve MCP over stdin/stdout: asyncio pipes on POSIX, the SDK's transport elsewhere.

The SDK's stdio transport reads and writes through a worker thread, one hop per
line; reading the pipes on the event loop halves the server's CPU per call. The
stream contract is the SDK's: one JSON-RPC message per line, stdout carries
protocol only (fd 1 points at stderr while serving, so stray prints miss the wire).
A line that is no message is answered here (-32700 or -32600, see `jsonrpc`) and
never reaches the server, which would answer nothing; on both paths (`stdio_sdk`).
"""

from __future__ import annotations

import asyncio
import collections
import io
import logging
import os
import stat
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, Literal

import anyio
import mcp_types
from mcp.shared.message import SessionMessage

from .direct_streams import serve_direct
from .drain import Drain, Pending
from .jsonrpc import InvalidMessage, parse_message

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

logger = logging.getLogger(__name__)

_CHUNK = 1 << 16  # read size; the reader pauses the pipe past twice this much


async def run_stdio(
    server: Server[Any],
    *,
    stop: anyio.Event | None = None,
    grace_period: float = 10.0,
) -> None:
    """Serve `server` on stdin/stdout until end of input or until `stop` is set.

    Once `stop` is set, no more input is read and answers to requests already
    read go out for at most `grace_period` seconds (the SDK's fallback transport,
    used for files and terminals, just stops).
    """
    if _pipes_usable():
        async with _open_pipes() as transport:
            await transport.serve(server, stop, grace_period)
    else:
        from .stdio_sdk import run_sdk_stdio  # files, terminals, Windows

        await run_sdk_stdio(server, stop)


def _pipes_usable() -> bool:
    """True on POSIX under asyncio when both ends are pipes, sockets or terminals."""
    if sys.platform == "win32":
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # another anyio backend (trio)
        return False
    return all(_pollable(fd) for fd in (0, 1))


def _pollable(fd: int) -> bool:
    # Files and /dev/null cannot be polled: the SDK's threaded path serves them
    # (they never block, so its worker thread cannot hang the exit).
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or os.isatty(fd)


def _wire(fd: int, mode: Literal["r", "w"]) -> io.FileIO:
    """A file the event loop may own for the wire behind `fd`."""
    if os.isatty(fd):
        # A fresh open: the loop makes its file non-blocking, which on a shared
        # terminal description would leak to stderr and to the shell.
        flags = os.O_RDONLY if mode == "r" else os.O_WRONLY
        fd = os.open(os.ttyname(fd), flags | os.O_NOCTTY | os.O_CLOEXEC)
    else:
        fd = os.dup(fd)
    return io.FileIO(fd, mode)


@contextmanager
def _claimed(fd: int, diversion: int) -> Iterator[int]:
    """Yield a private duplicate of `fd` and point `fd` at `diversion` until exit."""
    import fcntl

    private = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    blocking = os.get_blocking(private)
    os.dup2(diversion, fd)
    try:
        yield private
    finally:
        os.dup2(private, fd)
        # The pipe transport made the shared file description non-blocking.
        os.set_blocking(fd, blocking)
        os.close(private)


@asynccontextmanager
async def _open_pipes() -> AsyncIterator[_PipeTransport]:
    loop = asyncio.get_running_loop()
    sys.stdout.flush()
    null_fd = os.open(os.devnull, os.O_RDONLY)
    try:
        with _claimed(0, null_fd) as in_fd, _claimed(1, 2) as out_fd:
            reader = asyncio.StreamReader(limit=_CHUNK)
            read_pipe, _ = await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(reader), _wire(in_fd, "r")
            )
            # A StreamReaderProtocol gives the write side flow control for drain().
            protocol = asyncio.StreamReaderProtocol(asyncio.StreamReader())
            write_pipe, _ = await loop.connect_write_pipe(
                lambda: protocol, _wire(out_fd, "w")
            )
            writer = asyncio.StreamWriter(write_pipe, protocol, None, loop)
            try:
                yield _PipeTransport(reader, writer)
            finally:
                read_pipe.close()
                await _close(writer)
                sys.stdout.flush()
    finally:
        os.close(null_fd)


async def _close(writer: asyncio.StreamWriter) -> None:
    """Flush what the server wrote, even while being cancelled."""
    writer.close()
    with anyio.CancelScope(shield=True), anyio.move_on_after(5):
        try:
            await writer.wait_closed()
        except OSError:
            pass


class _PipeTransport:
    """One connection over a pair of pipes, with a drain on `stop`.

    The server's tasks read and write the pipes themselves (`direct_streams`).
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self._reader = reader
        self._writer = writer
        self._broken = False
        self._lines: collections.deque[bytes] = collections.deque()
        self._partial = bytearray()
        self._at_end = False  # end of input seen
        self._stopping = False  # `stop` set: nothing more is read
        self._reading: anyio.CancelScope | None = None
        self._pending = Pending(Drain())
        self._grace = 10.0

    async def serve(
        self, server: Server[Any], stop: anyio.Event | None, grace_period: float
    ) -> None:
        """Run `server` on the pipes until end of input or a drained `stop`."""
        self._grace = grace_period
        async with anyio.create_task_group() as inner:
            if stop is not None:
                inner.start_soon(self._stop_on, stop)
            await serve_direct(server, self.read_in, self.write_out)
            inner.cancel_scope.cancel()

    async def _stop_on(self, stop: anyio.Event) -> None:
        await stop.wait()
        self._stopping = True
        if self._reading is not None:
            self._reading.cancel()

    async def read_in(self) -> SessionMessage:
        """The next message from the client; `anyio.EndOfStream` at the end.

        A line that is no message is answered here and skipped. At the end of
        input, or once `stop` is set, the answers to requests already read go
        out first (for at most the grace period): the SDK cancels whatever is
        still running when its input ends, as its own transport does when a
        client closes stdin right after a call.
        """
        while (line := await self._next_line()) is not None:
            if not line or line.isspace():
                continue
            try:
                message = parse_message(line)
            except InvalidMessage as exc:
                # Answered here: the server would take it for nothing or a notification.
                logger.debug("Line refused: %s", exc)
                await self._write(exc.reply)
                continue
            self._pending.received(message)
            return SessionMessage(message)
        drain = self._pending.drain
        if not await drain.wait_idle(self._grace) and self._stopping:
            logger.warning("Grace period over: cancelling %d request(s)", drain.count)
        raise anyio.EndOfStream

    async def _next_line(self) -> bytes | None:
        while not self._lines:
            if self._at_end or self._stopping:
                return None
            with anyio.CancelScope() as self._reading:
                chunk = await self._reader.read(_CHUNK)
            self._reading = None
            if self._stopping:
                return None
            if not chunk:
                self._at_end = True
                self._lines.append(bytes(self._partial))
                break
            lines = chunk.split(b"\n")
            if len(lines) == 1:
                self._partial += chunk
                continue
            self._partial += lines[0]
            lines[0] = bytes(self._partial)
            self._partial[:] = lines.pop()
            self._lines.extend(lines)
        return None if self._stopping else self._lines.popleft()

    async def write_out(self, item: SessionMessage) -> None:
        """One message of the server's, on the wire."""
        self._pending.sent(item.message)
        await self._write(item.message)

    async def _write(self, message: mcp_types.JSONRPCMessage) -> None:
        # One whole line per write(): the reader's error answers never split the
        # server's lines, whichever task drains first.
        if self._broken:
            return  # the client left; keep draining the server's output
        data = message.model_dump_json(by_alias=True, exclude_unset=True)
        self._writer.write(data.encode() + b"\n")
        try:
            await self._writer.drain()
        except ConnectionError:
            logger.debug("stdout closed by the client")
            self._broken = True
