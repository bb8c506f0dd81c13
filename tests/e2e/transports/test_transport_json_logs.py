"""`--log-format json` with fakepkg over stdio: a handler's print is a JSON line of
logger `print`, a cancelled call's line says `cancelled`, notifications get none."""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from transport_helpers import wait_for

pytestmark = pytest.mark.timeout(60)


def test_prints_and_cancelled_calls_are_json_lines_too(
    pkg_root: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(pkg_root),
        "FAKEPKG_STATE_DIR": str(tmp_path),
    }
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "fakepkg", "stdio", "--log-format", "json"],
        env=env,
    )
    tag = f"cancel-{uuid.uuid4().hex}"
    log = tmp_path / "stderr.log"

    async def scenario() -> Any:
        with log.open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog), mode="legacy") as c:
                async with anyio.create_task_group() as tg:
                    arguments = {"steps": 400, "delay": 0.05, "tag": tag}
                    tg.start_soon(c.call_tool, "slow", arguments)
                    started = tmp_path / f"{tag}.started"
                    assert await anyio.to_thread.run_sync(wait_for, started)
                    tg.cancel_scope.cancel()
                cancelled = tmp_path / f"{tag}.cancelled"
                assert await anyio.to_thread.run_sync(wait_for, cancelled)
                return await c.call_tool("echo", {"text": "after"})

    assert anyio.run(scenario).structured_content == {"text": "after"}
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    printed = [e["message"] for e in entries if e["logger"] == "print"]
    assert printed == ["echo handler got 5 characters"]
    calls = [
        (e["method"], e.get("tool"), e["outcome"])
        for e in entries
        if e["logger"] == "mcpmint_runtime.requests"
    ]
    assert ("tools/call", "slow", "cancelled") in calls
    assert ("tools/call", "echo", "ok") in calls
    assert not [m for m, _, _ in calls if m.startswith("notifications/")]
