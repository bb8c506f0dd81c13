"""The official MCP conformance suite against the generated conformance server.

`generated_examples/conformance` (spec: `specs/conformance.yaml`) implements the
tools the suite's server scenarios call. This module starts it as a real process,
`python -m conformance_server http --port N`, and runs the npm package
`@modelcontextprotocol/conformance` against `http://127.0.0.1:N/mcp`, one
scenario per test. The suite needs Node >= 22: `package.json` pins both the suite
and the npm package `node`, whose binary runs it. Install them once with

    npm ci --prefix tests/conformance

Without them every test here fails (it does not skip). A scenario passes when the
suite exits 0 and its `checks.json` holds at least one SUCCESS and no FAILURE;
WARNINGs (SHOULD-level advice) are allowed. Every server scenario of the pinned
suite is classified below, so a new version's scenarios fail until sorted.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PROJECT = ROOT / "generated_examples" / "conformance"
PACKAGE = "conformance_server"
NODE = HERE / "node_modules" / "node" / "bin" / "node"
SUITE = HERE / "node_modules" / "@modelcontextprotocol" / "conformance" / "dist"
INSTALL = "npm ci --prefix tests/conformance"
SCENARIO_TIMEOUT = 60  # seconds; a scenario takes about one

# Scenarios that must pass: the protocol basics, the transport, and every tool
# scenario (the spec declares each tool they call).
REQUIRED = [
    "server-initialize",
    "ping",
    "tools-list",
    "tools-call-simple-text",
    "tools-call-image",
    "tools-call-audio",
    "tools-call-embedded-resource",
    "tools-call-mixed-content",
    "tools-call-error",
    "tools-call-with-progress",
    "tools-call-sampling",
    "tools-call-elicitation",
    "elicitation-sep1034-defaults",
    "elicitation-sep1330-enums",
    "json-schema-2020-12",  # in the suite's "pending" list: run by name
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
    "prompts-list",
    "prompts-get-simple",
    "prompts-get-with-args",
    "prompts-get-embedded-resource",
    "prompts-get-with-image",
    "completion-complete",
    "resources-list",
    "resources-read-text",
    "resources-read-binary",
    "resources-templates-read",
    "logging-set-level",
    "tools-call-with-logging",
    "resources-subscribe",
    "resources-unsubscribe",
]
# Must not fail, but cannot reach SUCCESS: its checks are SHOULDs (WARNING when
# missed). It asks for a priming event and a mid-call stream close, which the SDK
# offers only with an event store (the app has none) and only to clients whose
# `mcp-protocol-version` header says 2025-11-25 or later; the scenario's own
# request sends 2025-03-26, so even with an event store the SDK does neither.
NO_FAILURE = ["server-sse-polling"]
# Every scenario of the suite is served now.
NOT_APPLICABLE: list[str] = []

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def suite_installed() -> None:
    """Fail, saying what to run, unless the suite and Node 22 are installed."""
    missing = [
        str(p.relative_to(ROOT)) for p in (NODE, SUITE / "index.js") if not p.is_file()
    ]
    if missing:
        pytest.fail(
            f"the MCP conformance suite is not installed ({', '.join(missing)}"
            f" missing): run `{INSTALL}` from the repository root (npm must be"
            " allowed to run the `node` package's install script, which fetches"
            " the Node 22 binary)",
            pytrace=False,
        )
    pinned = json.loads((HERE / "package.json").read_text())["devDependencies"]
    for name, version in pinned.items():
        manifest = HERE / "node_modules" / name / "package.json"
        installed = json.loads(manifest.read_text()).get("version")
        version = version.rpartition("@")[2]  # "npm:<package>@<version>": an alias
        if installed != version:
            pytest.fail(
                f"{name} {installed} is installed, package.json pins {version}:"
                f" run `{INSTALL}`",
                pytrace=False,
            )


def suite(
    *args: str, timeout: float = SCENARIO_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run the suite's command line under the pinned Node."""
    suite_installed()
    return subprocess.run(
        [str(NODE), str(SUITE / "index.js"), *args],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The generated conformance server over Streamable HTTP, as a real process."""
    suite_installed()
    port = free_port()
    log_path = tmp_path_factory.mktemp("conformance") / "server.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT), *sys.path])}
    command = [sys.executable, "-m", PACKAGE, "http", "--port", str(port)]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                url = f"http://127.0.0.1:{port}/healthz"
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=20)


def run_scenario(
    url: str, scenario: str, out: Path
) -> tuple[int, list[dict[str, Any]], str]:
    """The suite's exit status, its checks and its output for one scenario."""
    result = suite(
        "server", "--url", url, "--scenario", scenario, "--output-dir", str(out)
    )
    output = ANSI.sub("", result.stdout + result.stderr)
    found = sorted(out.glob(f"server-{scenario}-*/checks.json"))
    assert len(found) == 1, (
        f"no checks.json for {scenario} (exit {result.returncode}):\n{output}"
    )
    checks: list[dict[str, Any]] = json.loads(found[0].read_text())
    return result.returncode, checks, output


def statuses(checks: list[dict[str, Any]], status: str) -> list[str]:
    return [
        f"{c['id']}: {c.get('errorMessage', '')}"
        for c in checks
        if c["status"] == status
    ]


def test_every_server_scenario_of_the_suite_is_classified() -> None:
    result = suite("list", "--server")
    assert result.returncode == 0, result.stdout + result.stderr
    listed = re.findall(r"^\s+- (\S+)", result.stdout, flags=re.MULTILINE)
    classified = REQUIRED + NO_FAILURE + NOT_APPLICABLE
    assert len(set(classified)) == len(classified)
    assert sorted(listed) == sorted(classified)


@pytest.mark.parametrize("scenario", REQUIRED + NO_FAILURE)
def test_scenario_passes(server_url: str, scenario: str, tmp_path: Path) -> None:
    status, checks, output = run_scenario(server_url, scenario, tmp_path)
    failures = statuses(checks, "FAILURE")
    assert not failures, f"{scenario} failed:\n" + "\n".join(failures) + "\n" + output
    assert status == 0, f"{scenario}: exit {status} without a failed check:\n{output}"
    if scenario in REQUIRED:
        assert statuses(checks, "SUCCESS"), f"{scenario}: no check succeeded:\n{output}"
    assert re.search(r"Passed: (\d+)/\1, 0 failed", output), output
