"""docs/deploy.md "Traces": with OTEL_EXPORTER_OTLP_ENDPOINT set, a generated server
exports the SDK's spans over OTLP/HTTP to a receiver (started here on loopback), and
a `traceparent` in a request's `_meta` makes the span a child of the client's."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "generated_examples" / "notes"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


class Receiver:
    """An OTLP/HTTP trace receiver: POST /v1/traces, protobuf bodies kept decoded."""

    def __init__(self) -> None:
        self.spans: list[Any] = []
        self.resources: list[dict[str, str]] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                receiver.received(self.path, body)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def received(self, path: str, body: bytes) -> None:
        request = ExportTraceServiceRequest.FromString(body)
        self.paths.append(path)
        for batch in request.resource_spans:
            attributes = {
                a.key: a.value.string_value for a in batch.resource.attributes
            }
            for scoped in batch.scope_spans:
                for span in scoped.spans:
                    self.resources.append(attributes)
                    self.spans.append(span)

    def wait_for(self, name: str, timeout: float = 20) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for span in self.spans:
                if span.name == name:
                    return span
            time.sleep(0.05)
        raise AssertionError(f"no span {name!r}: {[s.name for s in self.spans]}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    try:
        yield running
    finally:
        running.http.shutdown()
        running.http.server_close()


async def call_with_traceparent(env: dict[str, str]) -> None:
    args = ["-m", "notes_server", "stdio"]
    params = StdioServerParameters(command=sys.executable, args=args, env=env)
    meta: Any = {"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"}
    async with Client(params, mode="legacy") as client:
        await client.call_tool("search_notes", {"query": "release"}, meta=meta)
        with pytest.raises(Exception, match="Unknown tool"):
            await client.call_tool("no_such_tool", {})


def traced_env(receiver: Receiver) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(NOTES),
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.port}",
        "OTEL_BSP_SCHEDULE_DELAY": "50",
    }


def test_a_tool_call_span_reaches_the_receiver_as_a_child_of_the_clients(
    receiver: Receiver,
) -> None:
    anyio.run(call_with_traceparent, traced_env(receiver))
    span = receiver.wait_for("tools/call search_notes")
    assert span.trace_id.hex() == TRACE_ID
    assert span.parent_span_id.hex() == PARENT_ID
    attributes = {a.key: a.value.string_value for a in span.attributes}
    assert attributes["mcp.method.name"] == "tools/call"
    assert attributes["gen_ai.tool.name"] == "search_notes"
    assert receiver.paths[0] == "/v1/traces"
    assert receiver.resources[0]["service.name"] == "notes_server"
    # A call without traceparent starts its own trace; its error is on the span.
    unknown = receiver.wait_for("tools/call no_such_tool")
    assert unknown.trace_id.hex() != TRACE_ID
    errors = {a.key: a.value.string_value for a in unknown.attributes}
    assert errors["error.type"] == "-32602"


def test_the_console_exporter_writes_spans_to_stderr_not_to_the_wire(
    tmp_path: Path,
) -> None:
    log = tmp_path / "stderr.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(NOTES),
        "OTEL_TRACES_EXPORTER": "console",
        "OTEL_SERVICE_NAME": "notes-prod",
    }
    with log.open("w") as errlog:

        async def run() -> bool:
            args = ["-m", "notes_server", "stdio"]
            params = StdioServerParameters(command=sys.executable, args=args, env=env)
            target = stdio_client(params, errlog=errlog)  # the server's stderr
            async with Client(target, mode="legacy") as client:
                result = await client.call_tool("search_notes", {"query": "x"})
            return result.is_error

        assert anyio.run(run) is False  # the wire stayed clean
    text = log.read_text()
    assert '"name": "tools/call search_notes"' in text
    assert '"service.name": "notes-prod"' in text


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "OTEL_TRACES_EXPORTER",
            "zipkin",
            "OTEL_TRACES_EXPORTER: 'zipkin' is not one of otlp, console, none",
        ),
        (
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            "grpc",
            "OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' is not supported; this server "
            "exports http/protobuf",
        ),
    ],
)
def test_otel_variables_it_cannot_honour_are_one_line_and_exit_2(
    receiver: Receiver, variable: str, value: str, message: str
) -> None:
    env = {**traced_env(receiver), variable: value}
    done = subprocess.run(
        [sys.executable, "-m", "notes_server", "stdio"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert (done.returncode, done.stderr) == (
        2,
        f"python -m notes_server: error: {message}\n",
    )


def test_without_the_extra_the_server_serves_and_warns_once(
    receiver: Receiver, tmp_path: Path
) -> None:
    # The OpenTelemetry SDK made unimportable, as in an install without the extra.
    blocked = tmp_path / "blocked" / "opentelemetry" / "sdk"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'opentelemetry.sdk'\")\n"
    )
    env = traced_env(receiver)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "blocked"), str(NOTES)])
    done = subprocess.run(
        [sys.executable, "-m", "notes_server", "stdio"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    warning = (
        "WARNING mcpmint_runtime.tracing: OTEL_* variables are set but traces are "
        "not exported: pip install 'mcpmint-runtime[otel]'"
    )
    assert [line for line in done.stderr.splitlines() if "OTEL" in line] == [
        line for line in done.stderr.splitlines() if line.endswith(warning)
    ]
    assert warning in done.stderr
    assert receiver.spans == []


_LATER_PROVIDER = """
import anyio
from mcp import Client
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from mcpmint_runtime.tracing import spans_when_traced
from notes_server.server import build_server

server = build_server()
spans_when_traced(server)  # as the command line does
exporter = InMemorySpanExporter()

async def main() -> None:
    async with Client(server) as client:
        await client.call_tool("search_notes", {"query": "a"})
        print("before:", [s.name for s in exporter.get_finished_spans()])
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)  # as a user's lifespan hook might
        await client.call_tool("search_notes", {"query": "a"})
        print("after:", [s.name for s in exporter.get_finished_spans()])

anyio.run(main)
"""


def test_a_tracer_provider_installed_by_the_users_code_later_gets_the_spans() -> None:
    # Without a provider the SDK's span is skipped; one set later is honoured at once.
    done = subprocess.run(
        [sys.executable, "-c", _LATER_PROVIDER],
        cwd=NOTES,
        env={k: v for k, v in os.environ.items() if not k.startswith("OTEL_")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == ["before: []", "after: ['tools/call search_notes']"], done.stdout
