"""The README's "Security" section: each row of its table is what the generated weather
server answers, and its log never holds the token, at debug level."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "generated_examples" / "weather"
TOKEN = "s3cret-7f2a9c"  # distinctive, so a leak into the log is easy to spot
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "curl", "version": "1"},
    },
}
HEADERS = {"Accept": "application/json, text/event-stream"}


def _section() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Security\n")
    return readme[start : readme.index("\n## ", start + 1)]


def _table() -> dict[str, tuple[str, str]]:
    """The table's rows: the request's first code span -> (status, second part)."""
    rows: dict[str, tuple[str, str]] = {}
    for line in _section().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != 3 or not cells[1].startswith("`"):
            continue
        asked = re.findall(r"`([^`]+)`", cells[0])
        answer = re.findall(r"`([^`]+)`", cells[1])
        rows[asked[0] if asked else cells[0]] = (answer[0], answer[1])
    return rows


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("security") / "stderr.log"
    env = {**os.environ, "WEATHER_TOKEN": TOKEN}
    command = [sys.executable, "-m", "weather_server", "http", "--port", "0"]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, "--log-level", "debug"], cwd=PROJECT, env=env, stderr=out
        )
    try:
        deadline = time.monotonic() + 30
        while not (
            found := re.search(r"Serving MCP: .* at (http://\S+/mcp)", log.read_text())
        ):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        yield found.group(1), log
    finally:
        proc.terminate()
        proc.wait(15)


def _answer(response: httpx2.Response) -> tuple[str, str]:
    status = f"{response.status_code} {response.reason_phrase}"
    challenge = response.headers.get("www-authenticate")
    return status, f"www-authenticate: {challenge}" if challenge else response.text


def test_every_row_of_the_table_is_the_servers_answer(server: tuple[str, Path]) -> None:
    url, _ = server
    rows = _table()
    assert len(rows) == 4, rows
    good = {**HEADERS, "Authorization": f"Bearer {TOKEN}"}
    asked = {
        "Host": httpx2.post(url, json=INIT, headers={**good, "Host": "evil.example"}),
        "Origin": httpx2.post(
            url, json=INIT, headers={**good, "Origin": "https://evil.example"}
        ),
        "Authorization": httpx2.post(url, json=INIT, headers=HEADERS),
        "a body over 4 MiB": httpx2.post(
            url, content=b"a" * (4 * 1024 * 1024 + 1), headers=good
        ),
    }
    for key, response in asked.items():
        assert _answer(response) == rows[key], key
    wrong = httpx2.post(
        url, json=INIT, headers={**HEADERS, "Authorization": "Bearer nope"}
    )
    assert _answer(wrong) == rows["Authorization"]
    assert httpx2.post(url, json=INIT, headers=good).status_code == 200


def test_the_log_names_a_refused_host_and_never_the_token(
    server: tuple[str, Path],
) -> None:
    url, log = server
    good = {**HEADERS, "Authorization": f"Bearer {TOKEN}"}
    httpx2.post(url, json=INIT, headers={**good, "Host": "evil.example"})
    assert httpx2.post(url, json=INIT, headers=good).status_code == 200
    text = log.read_text()
    quoted = "Refused Host header 'evil.example' (see --allowed-host)"
    assert quoted in _section() and quoted in text
    assert " DEBUG " in text  # the level the README promises it for
    assert TOKEN not in text


def test_the_log_says_why_a_token_was_refused(server: tuple[str, Path]) -> None:
    url, log = server
    httpx2.post(url, json=INIT, headers=HEADERS)
    httpx2.post(url, json=INIT, headers={**HEADERS, "Authorization": "Bearer nope"})
    text = log.read_text()
    for why in ("no Authorization header", "not the server's token"):
        line = f"Refused a request to /mcp: {why}"
        assert line in text and line in " ".join(_section().split())
