"""Measurement prototypes: Streamable HTTP answered by the SDK's kernel directly.

    python -m tests.benchmarks.prototype_kernel OUT
    python -m tests.benchmarks.ab OUT --road http-stateless --also lowlevel,floor
    python -m tests.benchmarks.ab OUT --road http-json --clients 16 --also lowlevel

Writes into OUT the benchmark's generated server plus a copy of the installed
`mcpmint_runtime` whose `/mcp` endpoint answers, without the SDK's transport:

- a stateless POST of the handshake era carrying a request, with
  `mcp.server.runner.serve_one` (the SDK's single-exchange driver, the one its
  2026-07-28 entry uses) instead of the SDK's stateless transport (a transport,
  a dispatcher, a server task, memory streams and an sse-starlette response
  with its own task group, per POST);
- with `--json-response` sessions, every POST of a session: `initialize` opens
  a `Connection` and a `ServerRunner` kept under a new Mcp-Session-Id, each
  request is `runner.on_request`, each notification `runner.on_notify`, DELETE
  forgets the session.

Everything else still goes to the SDK. `ab` then measures it against the
generated server and the hand-written ones.

Both halves are now in the runtime, with the SDK's checks and answers kept:
`mcpmint_runtime/transports/stateless_kernel.py` (`MCPMINT_SDK_STATELESS=1`
turns it off, for an A/B against the SDK's transport) and
`mcpmint_runtime/transports/session_kernel.py`, for sessions in both response
modes (`MCPMINT_SDK_SESSIONS=1` turns it off).

Not a feature: notifications a handler sends (ctx.log, progress, list changes)
are dropped, there is no GET stream, no idle timeout or session cap, a client
that leaves does not cancel its call, and the SDK's Accept, Content-Type and
protocol-version checks are skipped. It shows what the SDK's per-request
machinery costs, i.e. what a transport of our own on the SDK's kernel would save.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import mcpmint_runtime

from .run import generate_bench_server

ONE = '''"""PROTOTYPE: a stateless handshake-era POST answered by serve_one."""

from __future__ import annotations

import json
from typing import Any

import anyio
from mcp.server.connection import Connection
from mcp.server.runner import serve_one
from mcp.shared.exceptions import NoBackChannelError
from mcp.shared.jsonrpc_dispatcher import handler_exception_to_error_data
from mcp.shared.transport_context import TransportContext

_TRANSPORT = TransportContext(kind="streamable-http", can_send_request=False)


class _Context:
    transport = _TRANSPORT
    can_send_request = False
    message_metadata = None

    def __init__(self, request_id: Any) -> None:
        self.request_id = request_id
        self._cancel: anyio.Event | None = None

    @property
    def cancel_requested(self) -> anyio.Event:
        if self._cancel is None:
            self._cancel = anyio.Event()
        return self._cancel

    async def send_raw_request(self, method: str, params: Any, opts: Any = None) -> Any:
        raise NoBackChannelError(method)

    async def notify(self, method: str, params: Any, opts: Any = None) -> None:
        pass

    async def progress(
        self, progress: float, total: Any = None, message: Any = None
    ) -> None:
        pass


async def answer_one(
    server: Any, state: Any, version: str, document: Any, json_response: bool, send: Any
) -> None:
    request_id = document["id"]
    connection = Connection.from_envelope(version, None, None)
    try:
        result = await serve_one(
            server, _Context(request_id), document["method"], document.get("params"),
            connection=connection, lifespan_state=state,
        )
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "result": result}
    except Exception as exc:
        error = handler_exception_to_error_data(exc)
        data = (
            error.model_dump(by_alias=True, exclude_none=True)
            if error is not None
            else {"code": 0, "message": str(exc)}
        )
        reply = {"jsonrpc": "2.0", "id": request_id, "error": data}
    payload = json.dumps(reply, separators=(",", ":")).encode()
    if json_response:
        body, content_type = payload, b"application/json"
    else:
        body = b"event: message\\r\\ndata: " + payload + b"\\r\\n\\r\\n"
        content_type = b"text/event-stream"
    length = str(len(body)).encode()
    headers = [(b"content-type", content_type), (b"content-length", length)]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
'''

SESSIONS = '''"""PROTOTYPE: JSON-response sessions on the SDK's kernel."""

from __future__ import annotations

import json
import uuid
from typing import Any

from mcp.server.connection import _NO_CHANNEL, Connection
from mcp.server.runner import ServerRunner
from mcp.shared.jsonrpc_dispatcher import handler_exception_to_error_data

from .one import _Context

SESSIONS: dict[str, ServerRunner[Any]] = {}


async def _json(send: Any, status: int, reply: Any, extra: Any = ()) -> None:
    body = b"" if reply is None else json.dumps(reply, separators=(",", ":")).encode()
    length = str(len(body)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", length)]
    start = {"type": "http.response.start", "status": status}
    await send({**start, "headers": [*headers, *extra]})
    await send({"type": "http.response.body", "body": body})


async def answer(
    server: Any, state: Any, session: str | None, document: Any, send: Any
) -> bool:
    method = document.get("method")
    extra: list[tuple[bytes, bytes]] = []
    if session is None:
        if method != "initialize":
            return False
        session = uuid.uuid4().hex
        connection = Connection(
            _NO_CHANNEL, protocol_version="2025-03-26", session_id=session
        )
        SESSIONS[session] = ServerRunner(server, connection, state)
        extra = [(b"mcp-session-id", session.encode())]
    runner = SESSIONS.get(session)
    if runner is None:
        return False
    params = document.get("params")
    if "id" not in document:
        await runner.on_notify(_Context(None), method, params)
        await _json(send, 202, None)
        return True
    request_id = document["id"]
    try:
        result = await runner.on_request(_Context(request_id), method, params)
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "result": result}
    except Exception as exc:
        error = handler_exception_to_error_data(exc)
        data = (
            error.model_dump(by_alias=True, exclude_none=True)
            if error is not None
            else {"code": 0, "message": str(exc)}
        )
        reply = {"jsonrpc": "2.0", "id": request_id, "error": data}
    await _json(send, 200, reply, extra)
    return True
'''

# (anchor in transports/app.py, replacement): the prototype's only hooks.
PATCHES = (
    (
        "        length, session, _ = post_headers(scope)\n",
        "        length, session, version = post_headers(scope)\n",
    ),
    (
        "        body, request_id = checked\n",
        "        body, request_id = checked\n"
        "        if not self._stateful and request_id is not None and self._manager:\n"
        "            from .jsonrpc import parse_json\n"
        "            from .one import answer_one\n"
        "\n"
        "            version = version or '2025-03-26'\n"
        "            if version in ('2025-03-26', '2025-06-18', '2025-11-25'):\n"
        "                manager = self._manager\n"
        "                state = manager._lifespan_state\n"
        "                document = parse_json(body)\n"
        "                await answer_one(\n"
        "                    manager.app, state, version, document, self._json, send\n"
        "                )\n"
        "                return\n"
        "        if self._stateful and self._json and self._manager:\n"
        "            from .jsonrpc import parse_json\n"
        "            from .sessions import answer\n"
        "\n"
        "            manager = self._manager\n"
        "            state = manager._lifespan_state\n"
        "            document = parse_json(body)\n"
        "            if await answer(manager.app, state, session, document, send):\n"
        "                return\n",
    ),
    (
        "        else:\n            await self._app(scope, receive, send)\n",
        "        elif scope['method'] == 'DELETE' and self._json and self._stateful:\n"
        "            from .posts import post_headers\n"
        "            from .sessions import SESSIONS\n"
        "\n"
        "            SESSIONS.pop(post_headers(scope)[1] or '', None)\n"
        "            headers = [(b'content-length', b'0')]\n"
        "            start = {'type': 'http.response.start', 'status': 200}\n"
        "            await send({**start, 'headers': headers})\n"
        "            await send({'type': 'http.response.body', 'body': b''})\n"
        "        else:\n            await self._app(scope, receive, send)\n",
    ),
    (
        "            StreamableHTTPASGIApp(manager),\n            shutdown,\n",
        "            StreamableHTTPASGIApp(manager),\n            shutdown,\n"
        "            manager=manager,\n"
        "            json_response=settings.json_response,\n",
    ),
    (
        "        self, app: ASGIApp, shutdown: Shutdown, *, max_body_size: int, "
        "stateful: bool\n"
        "    ) -> None:\n",
        "        self, app: ASGIApp, shutdown: Shutdown, *, max_body_size: int, "
        "stateful: bool,\n"
        "        manager: Any = None, json_response: bool = False,\n"
        "    ) -> None:\n"
        "        self._manager = manager\n"
        "        self._json = json_response\n",
    ),
)


def build(out: Path) -> None:
    generated = generate_bench_server(out.parent / f"{out.name}-work", None)
    shutil.copytree(generated, out)
    shutil.rmtree(generated.parent, ignore_errors=True)
    runtime = out / "mcpmint_runtime"
    source = Path(mcpmint_runtime.__file__).parent
    shutil.copytree(source, runtime, ignore=shutil.ignore_patterns("__pycache__"))
    (runtime / "transports" / "one.py").write_text(ONE)
    (runtime / "transports" / "sessions.py").write_text(SESSIONS)
    app = runtime / "transports" / "app.py"
    text = app.read_text()
    for anchor, replacement in PATCHES:
        if text.count(anchor) != 1:
            raise SystemExit(
                f"transports/app.py changed: anchor not found once:\n{anchor}"
            )
        text = text.replace(anchor, replacement)
    app.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.prototype_kernel", description=__doc__
    )
    parser.add_argument("out", type=Path, help="a folder that does not exist yet")
    args = parser.parse_args()
    build(args.out.resolve())
    print(f"prototype in {args.out}")


if __name__ == "__main__":
    main()
