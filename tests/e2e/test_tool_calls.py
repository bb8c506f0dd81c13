"""A generated server answers every kind of call as documented, through the official client."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import mcp_types as types
import pytest
import yaml
from kitchen_sink import models
from kitchen_sink.examples import example_handlers
from kitchen_sink.server import TOOLS, build_server
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcpmint_runtime import ToolContext, ToolResult

from conftest import EXAMPLES

SPEC = EXAMPLES.parent / "specs" / "kitchen_sink.yaml"


def call(
    handlers: Any, tool: str, arguments: dict[str, Any], **kw: Any
) -> types.CallToolResult:
    async def run() -> types.CallToolResult:
        async with Client(build_server(handlers)) as client:
            return await client.call_tool(tool, arguments, **kw)

    return anyio.run(run)


def text_of(result: types.CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


def replace(**handlers: Callable[..., Awaitable[Any]]) -> Any:
    return example_handlers().__class__(**{**_fields(example_handlers()), **handlers})


def _fields(h: Any) -> dict[str, Any]:
    return {name: getattr(h, name) for name in h.__dataclass_fields__}


def test_invalid_arguments_are_a_tool_error_listing_every_problem() -> None:
    result = call(
        example_handlers(), "scalars.check", {"count": 7, "code": "abc", "extra": 1}
    )
    assert result.is_error
    lines = text_of(result).splitlines()
    assert lines[0] == "Invalid arguments for tool 'scalars.check':"
    assert any(line.startswith("- count: ") for line in lines)
    assert any(line.startswith("- code: ") for line in lines)
    assert any(line.startswith("- extra: ") for line in lines)


def test_null_for_an_optional_property_that_is_not_nullable_is_rejected() -> None:
    result = call(
        example_handlers(),
        "scalars.check",
        {"count": 10, "code": "ABC-12", "name": None},
    )
    assert result.is_error
    assert "- name: " in text_of(result)


def test_a_string_is_not_accepted_for_an_integer() -> None:
    result = call(
        example_handlers(), "scalars.check", {"count": "10", "code": "ABC-12"}
    )
    assert result.is_error
    assert "- count: " in text_of(result)


def test_an_unknown_tool_is_json_rpc_error_32602() -> None:
    async def run() -> int:
        async with Client(build_server(example_handlers())) as client:
            try:
                await client.call_tool("nope", {})
            except MCPError as exc:
                return exc.error.code
        return 0

    assert anyio.run(run) == -32602


def test_a_handler_that_raises_gives_a_tool_error_and_logs_the_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def boom(args: Any, ctx: ToolContext) -> Any:
        raise RuntimeError("disk on fire")

    with caplog.at_level(logging.ERROR):
        result = call(
            replace(recursive_tree=boom), "recursive_tree", {"root": {"value": 1}}
        )
    assert result.is_error
    assert text_of(result) == "Tool 'recursive_tree' failed: disk on fire"
    assert any(
        r.exc_info and "disk on fire" in str(r.exc_info[1]) for r in caplog.records
    )


def test_an_invalid_result_is_caught_before_it_is_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def wrong(args: Any, ctx: ToolContext) -> Any:
        return models.RecursiveTreeOutput.model_construct(total="many", depth=1)

    with caplog.at_level(logging.ERROR):
        result = call(
            replace(recursive_tree=wrong), "recursive_tree", {"root": {"value": 1}}
        )
    assert result.is_error
    assert text_of(result).startswith(
        "Invalid result from tool 'recursive_tree':\n- total: "
    )


def test_keyword_and_odd_property_names_keep_their_wire_spelling() -> None:
    seen: dict[str, Any] = {}

    async def handler(args: Any, ctx: ToolContext) -> Any:
        seen["dump"] = args.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return models.KeywordNamesOutput.model_validate(
            {"return": "ok", "first-name": "Ada"}
        )

    arguments = {
        "class": "A",
        "@type": "P",
        "first-name": "Ada",
        "2fa": True,
        "model_config": "m",
        "é": "e",
    }
    result = call(replace(keyword_names=handler), "keyword_names", arguments)
    assert not result.is_error, text_of(result)
    assert seen["dump"] == arguments
    assert result.structured_content == {"return": "ok", "first-name": "Ada"}


def test_rich_content_reaches_the_client() -> None:
    async def picture(args: Any, ctx: ToolContext) -> ToolResult[None]:
        return ToolResult(
            content=[
                types.TextContent(type="text", text="a dot"),
                types.ImageContent(
                    type="image", data="iVBORw0KGgo=", mime_type="image/png"
                ),
            ]
        )

    result = call(replace(no_output_text=picture), "no.output-text", {})
    assert not result.is_error
    assert [block.type for block in result.content] == ["text", "image"]


def test_progress_reaches_the_client_and_a_cancel_cancels_the_handler() -> None:
    events: list[str] = []
    started = anyio.Event()

    async def slow(args: Any, ctx: ToolContext) -> str:
        if started.is_set():
            return "the next call"  # answered at once: the server serves on
        await ctx.report_progress(1, 10, "started")
        started.set()
        try:
            await anyio.sleep(30)
        except anyio.get_cancelled_exc_class():
            events.append("cancelled")
            raise
        return "too late"

    async def on_progress(
        done: float, total: float | None, message: str | None
    ) -> None:
        events.append(f"progress {done:g}/{total:g} {message}")

    async def run() -> None:
        async with Client(build_server(replace(no_output_text=slow))) as client:
            with anyio.move_on_after(5):
                async with anyio.create_task_group() as tg:

                    async def go() -> None:
                        await client.call_tool(
                            "no.output-text", {}, progress_callback=on_progress
                        )

                    tg.start_soon(go)
                    await started.wait()
                    tg.cancel_scope.cancel()
            await anyio.sleep(0.2)
            after = await client.call_tool("no.output-text", {"text": "héllo"})
            assert after.content[0].text == "the next call"  # type: ignore[union-attr]

    anyio.run(run)
    assert events == ["progress 1/10 started", "cancelled"]


def test_tools_list_serves_the_spec_s_tool_objects_unchanged() -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    pasted = next(t for t in spec["tools"] if t["name"] == "create_event")

    async def listed() -> list[dict[str, Any]]:
        async with Client(build_server(example_handlers())) as client:
            result = await client.list_tools()
        return [
            t.model_dump(mode="json", by_alias=True, exclude_none=True)
            for t in result.tools
        ]

    served = {t["name"]: t for t in anyio.run(listed)}
    assert served["create_event"] == {
        k: v for k, v in pasted.items() if k != "examples"
    }
    assert [t.name for t in TOOLS] == [t["name"] for t in spec["tools"]]


def test_a_tool_s_own_timeout_from_the_spec_ends_a_slow_call() -> None:
    # kitchen_sink's no.output-text has `timeout: 2.5` in the spec.
    async def slow(args: Any, ctx: ToolContext) -> str:
        left = ctx.time_left()
        assert left is not None and 0 < left <= 2.5
        await anyio.sleep(30)
        return "too late"

    result = call(replace(no_output_text=slow), "no.output-text", {})
    assert result.is_error
    assert text_of(result) == "Tool 'no.output-text' timed out after 2.5 s"
