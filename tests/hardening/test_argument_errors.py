"""Invalid arguments: one `- <JSON path>: <message>` line per problem.

No pydantic branch names in the path.

A JSON number is a union (integer or float) in the generated models; pydantic reports a
value that is neither twice, as `seconds.int` and `seconds.float`. A generated server
must show one line at the JSON path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
from generated_support import generated_package, write_spec
from mcp import Client

SPEC: dict[str, Any] = {
    "mcpmint": 1,
    "server": {"name": "waits", "version": "0.1.0", "package": "waits_server"},
    "transports": ["stdio"],
    "tools": [
        {
            "name": "wait",
            "description": "Waits.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "seconds": {"type": "number", "minimum": 0},
                    "count": {"type": "integer"},
                    "plan": {
                        "type": "object",
                        "properties": {"step": {"type": "number"}},
                        "required": ["step"],
                    },
                    "marks": {"type": "array", "items": {"type": "number"}},
                },
                "required": ["seconds"],
            },
        }
    ],
}

CASES: list[tuple[dict[str, Any], list[str]]] = [
    ({"seconds": "soon"}, ["- seconds: Input should be a valid number"]),
    ({"seconds": -1}, ["- seconds: Input should be greater than or equal to 0"]),
    ({"seconds": 1, "count": 1.5}, ["- count: Input should be a valid integer"]),
    (
        {"seconds": 1, "plan": {"step": "x"}},
        ["- plan.step: Input should be a valid number"],
    ),
    ({"seconds": 1, "plan": {}}, ["- plan.step: Field required"]),
    (
        {"seconds": 1, "marks": [1, "b", 2.5, None]},
        [
            "- marks[1]: Input should be a valid number",
            "- marks[3]: Input should be a valid number",
        ],
    ),
    ({}, ["- seconds: Field required"]),
]


def test_each_problem_is_one_line_at_its_json_path(tmp_path: Path) -> None:
    async def wait(args: Any, ctx: Any) -> str:
        return "waited"

    with generated_package(write_spec(tmp_path, SPEC), tmp_path / "out") as module:
        server = module.build_server(module.Handlers(wait=wait))

        async def main() -> list[tuple[list[str], list[str]]]:
            seen = []
            async with Client(server) as client:
                assert not (await client.call_tool("wait", {"seconds": 0.5})).is_error
                for arguments, expected in CASES:
                    result = await client.call_tool("wait", arguments)
                    assert result.is_error, arguments
                    text = result.content[0].text  # type: ignore[union-attr]
                    lines = text.splitlines()
                    assert lines[0] == "Invalid arguments for tool 'wait':"
                    seen.append((lines[1:], expected))
            return seen

        for got, expected in anyio.run(main):
            assert got == expected
