"""docs/deploy.md "Metrics": a generated server run with `--metrics` (or MCP_METRICS)
serves Prometheus metrics at /metrics, named after the OpenTelemetry MCP conventions,
labelled by method, tool, prompt and resource name and outcome, never by an unknown
name or an argument; a stdio server serves them on `--metrics-port`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from prometheus_client.parser import text_string_to_metric_families

from listening import ready, wait_ready

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "generated_examples" / "notes"
TOKEN = "metrics-test-token"
SECRET = "SECRET-ARGUMENT-7"  # an argument value: must never reach /metrics
DURATION = "mcp_server_operation_duration_seconds"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Notes:
    """`python -m notes_server ...` on a loopback port."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        command = [sys.executable, "-m", "notes_server", *args]
        full = {**os.environ, "PYTHONPATH": str(NOTES), "NOTES_T": TOKEN, **env}
        with log.open("wb") as err:
            self.proc = subprocess.Popen(
                [*command, "--port", str(self.port)],
                env=full,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )

    def wait_ready(self) -> None:
        wait_ready(self.proc, self.port, self.log.read_text, 30)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[Notes]:
    # Turned on from the environment, as in a container.
    args = ["http", "--token-env", "NOTES_T"]

    def start() -> Notes:
        return Notes(args, {"MCP_METRICS": "1"}, tmp_path / "stderr.log")

    server = ready(start(), start)
    try:
        yield server
    finally:
        server.proc.terminate()
        assert server.proc.wait(30) == 0


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape: (name, sorted labels) -> value."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def calls(scraped: str, method: str, error: str = "", **target: str) -> float:
    """The count of the duration histogram for one set of labels."""
    labels = {
        "mcp_method_name": method,
        "gen_ai_tool_name": "",
        "gen_ai_prompt_name": "",
        "mcp_resource_name": "",
        "error_type": error,
        **target,
    }
    key = (DURATION + "_count", tuple(sorted(labels.items())))
    return samples(scraped).get(key, 0.0)


async def exercise(base: str) -> str:
    """Calls that succeed and fail in each way, then a scrape with a session open."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
        target = streamable_http_client(base + "/mcp", http_client=http)
        async with Client(target, mode="legacy") as client:
            ok = await client.call_tool("create_note", {"title": SECRET, "body": "b"})
            assert not ok.is_error
            bad = await client.call_tool("create_note", {"title": ""})
            assert bad.is_error
            with pytest.raises(Exception, match="Unknown tool"):
                await client.call_tool("no_such_tool_" + SECRET, {})
            await client.read_resource("notes://readme")
            await client.read_resource("notes://1")
            with pytest.raises(Exception, match="not found"):
                await client.read_resource("notes://nowhere/" + SECRET)
            await client.get_prompt("summarize-note", {"id": "1"})
            # A scraper sends no token and addresses the pod by IP: both pass.
            async with httpx2.AsyncClient(timeout=30) as scraper:
                answer = await scraper.get(
                    base + "/metrics", headers={"Host": "10.1.2.3:9000"}
                )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return answer.text


def test_metrics_count_calls_by_method_tool_resource_and_outcome(
    http_server: Notes,
) -> None:
    scraped = anyio.run(exercise, http_server.base)
    assert calls(scraped, "tools/call", gen_ai_tool_name="create_note") == 1
    tool_error = {"gen_ai_tool_name": "create_note"}
    assert calls(scraped, "tools/call", "tool_error", **tool_error) == 1
    assert calls(scraped, "tools/call", "-32602", gen_ai_tool_name="_unknown") == 1
    assert calls(scraped, "resources/read", mcp_resource_name="readme") == 1
    assert calls(scraped, "resources/read", mcp_resource_name="note") == 1
    not_found = {"mcp_resource_name": "_unknown"}
    assert calls(scraped, "resources/read", "-32002", **not_found) == 1
    assert calls(scraped, "prompts/get", gen_ai_prompt_name="summarize-note") == 1
    assert calls(scraped, "initialize") == 1
    assert samples(scraped)[("mcpmint_open_sessions", ())] == 1
    # Never an argument, an unknown name or a URI with values.
    assert SECRET not in scraped and "notes://" not in scraped


def test_refused_tokens_are_counted_by_reason(http_server: Notes) -> None:
    url = http_server.base + "/mcp"
    body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "x"}):
        assert httpx2.post(url, json=body, headers=headers).status_code == 401
    scraped = httpx2.get(http_server.base + "/metrics").text
    found = samples(scraped)
    missing = ("mcpmint_auth_failures_total", (("reason", "missing_token"),))
    invalid = ("mcpmint_auth_failures_total", (("reason", "invalid_token"),))
    assert (found[missing], found[invalid]) == (1, 2)
    assert "wrong" not in scraped


def test_a_method_the_server_does_not_know_is_counted_as_unknown(
    http_server: Notes,
) -> None:
    method = "vendor/" + SECRET
    meta = {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
    }
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": {"_meta": meta}}
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2026-07-28",
        "Mcp-Method": method,
    }
    answer = httpx2.post(http_server.base + "/mcp", json=body, headers=headers)
    assert answer.json()["error"]["code"] == -32601, answer.text
    scraped = httpx2.get(http_server.base + "/metrics").text
    assert calls(scraped, "_unknown", "-32601") == 1
    assert SECRET not in scraped


def test_without_the_option_there_is_no_metrics_route(tmp_path: Path) -> None:
    def start() -> Notes:
        return Notes(["http"], {}, tmp_path / "stderr.log")

    server = ready(start(), start)
    try:
        assert httpx2.get(server.base + "/metrics").status_code == 404
    finally:
        server.proc.terminate()
        server.proc.wait(30)


def test_metrics_without_the_extra_is_one_line_and_exit_2(tmp_path: Path) -> None:
    # prometheus-client made unimportable, as in an install without the extra.
    blocker = tmp_path / "blocked" / "prometheus_client"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'prometheus_client'\")\n"
    )
    path = os.pathsep.join([str(blocker.parent), str(NOTES)])
    done = subprocess.run(
        [sys.executable, "-m", "notes_server", "http", "--metrics"],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "python -m notes_server: error: --metrics needs prometheus-client: "
        "pip install 'mcpmint-runtime[metrics]'\n"
    )


async def over_stdio(port: int) -> tuple[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(NOTES)}
    args = ["-m", "notes_server", "stdio", "--metrics-port", str(port)]
    params = StdioServerParameters(command=sys.executable, args=args, env=env)
    async with Client(params, mode="legacy") as client:
        result = await client.call_tool("search_notes", {"query": "release"})
        async with httpx2.AsyncClient(timeout=30) as scraper:
            answer = await scraper.get(f"http://127.0.0.1:{port}/metrics")
    return answer.text, result


def test_a_stdio_server_serves_metrics_on_its_metrics_port() -> None:
    scraped, result = anyio.run(over_stdio, free_port())
    assert not result.is_error
    assert calls(scraped, "tools/call", gen_ai_tool_name="search_notes") == 1
    assert samples(scraped)[("mcpmint_open_sessions", ())] == 1
