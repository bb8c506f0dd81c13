"""README's "Your first server", followed end to end with the files it shows.

The files are taken from the README itself (each fenced block whose first line is
`# <path>`), so the section and this test cannot drift apart. The one step done
differently: instead of `pip install -e .` the project folder goes on PYTHONPATH,
which keeps this test from installing into the test environment.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
from mcp import Client, StdioServerParameters

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
MINT = [PYTHON, "-m", "mcpmint"]


def section_files() -> dict[str, str]:
    """path -> text of every file block of the README section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your first server", 1)[1].split("\n## ", 1)[0]
    files = {}
    for block in re.findall(r"^```(?:yaml|python)\n(.*?)^```", section, re.M | re.S):
        first, _, rest = block.partition("\n")
        assert first.startswith("# "), first
        files[first[2:].strip()] = rest
    return files


def run(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


def test_the_readme_first_server_walkthrough_works(tmp_path: Path) -> None:
    files = section_files()
    assert sorted(files) == [
        "bookmarks_server/handlers/add_bookmark.py",
        "bookmarks_server/handlers/find_bookmarks.py",
        "bookmarks_server/lifespan.py",
        "spec.yaml",
        "tests/conftest.py",
    ]
    made = run(
        *MINT, "new", "bookmarks", "--defaults", "--data", "transports=stdio,http",
        cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    project = tmp_path / "bookmarks"
    env = {**os.environ, "PYTHONPATH": str(project)}

    # Steps 2-3: the spec, generate, the stubs are reported.
    (project / "spec.yaml").write_text(files["spec.yaml"], encoding="utf-8")
    generated = run(*MINT, "generate", "spec.yaml", "-o", ".", cwd=project)
    assert generated.returncode == 0, generated.stderr
    assert "orphaned  bookmarks_server/handlers/echo.py" in generated.stdout
    (project / "bookmarks_server/handlers/echo.py").unlink()
    stubs = run(*MINT, "check", "spec.yaml", "-o", ".", "--fail-on-stubs", cwd=project)
    assert stubs.returncode == 1
    assert stubs.stdout.splitlines() == [
        "stub: bookmarks_server/handlers/add_bookmark.py",
        "stub: bookmarks_server/handlers/find_bookmarks.py",
    ]
    assert "2 handler(s) still raise NotImplementedError" in stubs.stderr

    # Before step 6 the tests fail, naming the missing setting.
    failing = run(PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert failing.returncode == 1
    assert "missing required setting BOOKMARKS_DB" in failing.stdout

    # Steps 4-7: lifespan, handlers, conftest; tests, mypy, no stubs.
    for path, text in files.items():
        if path != "spec.yaml":
            (project / path).write_text(text, encoding="utf-8")
    tested = run(PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert tested.returncode == 0, tested.stdout[-3000:]
    assert re.search(r"^29 passed", tested.stdout, re.M), tested.stdout[-500:]
    typed = run(PYTHON, "-m", "mypy", "--strict", "bookmarks_server", cwd=project)
    assert typed.returncode == 0, typed.stdout
    assert "Success: no issues found in 13 source files" in typed.stdout
    done = run(*MINT, "check", "spec.yaml", "-o", ".", "--fail-on-stubs", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr

    # Step 8: the host entry starts the server from `/`, with the settings it names.
    config = run(
        PYTHON, "-m", "bookmarks_server", "config", "claude-desktop",
        cwd=project, env=env,
    )  # fmt: skip
    assert config.returncode == 0, config.stderr
    entry = json.loads(config.stdout)["mcpServers"]["bookmarks"]
    assert entry["command"] == PYTHON
    assert entry["args"] == ["-m", "bookmarks_server", "stdio"]
    assert entry["env"] == {"BOOKMARKS_DB": "<BOOKMARKS_DB>"}
    database = tmp_path / "data" / "bookmarks.db"
    database.parent.mkdir()
    host_env = {"BOOKMARKS_DB": str(database), "PYTHONPATH": str(project)}
    refused = subprocess.run(
        [entry["command"], *entry["args"]],
        cwd="/",
        env={"PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "bookmarks_server: error: missing required setting BOOKMARKS_DB: set the "
        "environment variable BOOKMARKS_DB (SQLite file holding the bookmarks)"
    )
    target = StdioServerParameters(
        command=entry["command"], args=entry["args"], env=host_env, cwd="/"
    )

    async def use() -> tuple[Any, Any]:
        async with Client(target) as client:
            added = await client.call_tool(
                "add_bookmark", {"url": "https://mcp.example", "title": "MCP notes"}
            )
            found = await client.call_tool("find_bookmarks", {"word": "notes"})
        return added.structured_content, found.structured_content

    added, found = anyio.run(use)
    assert added == {
        "saved": {"url": "https://mcp.example", "title": "MCP notes"},
        "total": 1,
    }
    assert found == {
        "bookmarks": [{"url": "https://mcp.example", "title": "MCP notes"}]
    }
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT url, title FROM bookmarks").fetchall() == [
            ("https://mcp.example", "MCP notes")
        ]
