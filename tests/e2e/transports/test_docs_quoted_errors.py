"""Every error text the docs quote is produced verbatim by the case it describes.

Each row: the doc, the quote exactly as written there (a `<placeholder>` is filled by
the case), and a function that runs the case against a real server (a process on
loopback, or the generated weather server in process) and returns the real text.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from transport_helpers import ServerProcess, auth, http_client
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "generated_examples" / "weather"))

from weather_server import models  # noqa: E402
from weather_server.server import Handlers, build_server  # noqa: E402

Servers = dict[str, ServerProcess]


def _weather_call(arguments: dict[str, Any], handler: Any = None, **kw: Any) -> str:
    async def conditions(args: models.GetConditionsInput, ctx: Any) -> str:
        return "fine"

    async def forecast(args: Any, ctx: Any) -> Any:
        raise NotImplementedError

    handlers = Handlers(get_forecast=forecast, get_conditions=handler or conditions)

    async def run() -> str:
        async with Client(build_server(handlers, **kw)) as client:
            result = await client.call_tool("get_conditions", arguments)
            assert result.is_error
            return result.content[0].text  # type: ignore[union-attr]

    return anyio.run(run)


def invalid_arguments(servers: Servers) -> str:
    return _weather_call({"city": 5}).splitlines()[0]


def not_implemented(servers: Servers) -> str:
    async def run() -> str:
        async def stub(args: Any, ctx: Any) -> Any:
            raise NotImplementedError

        handlers = Handlers(get_forecast=stub, get_conditions=stub)
        async with Client(build_server(handlers)) as client:
            result = await client.call_tool("get_forecast", {"city": "Oslo"})
            return result.content[0].text  # type: ignore[union-attr]

    return anyio.run(run)


def raised(servers: Servers) -> str:
    async def boom(args: Any, ctx: Any) -> str:
        raise RuntimeError("disk on fire")

    return _weather_call({"city": "Lima"}, boom)


def hidden(servers: Servers) -> str:
    """What a network road's client sees of a raising handler (the id made generic)."""
    from mcpmint_runtime.errors import set_internal_errors

    async def boom(args: Any, ctx: Any) -> str:
        raise RuntimeError("disk on fire")

    async def stub(args: Any, ctx: Any) -> Any:
        raise NotImplementedError

    async def run() -> str:
        set_internal_errors("hide")  # as `http`, `sse`, `websocket` and `serve` do
        handlers = Handlers(get_forecast=stub, get_conditions=boom)
        async with Client(build_server(handlers)) as client:
            result = await client.call_tool("get_conditions", {"city": "Lima"})
            return result.content[0].text  # type: ignore[union-attr]

    text = anyio.run(run)
    assert "disk on fire" not in text
    return re.sub(r"\(id [0-9a-f]{8}\)$", "(id <8 hex digits>)", text)


def timed_out(seconds: float) -> Callable[[Servers], str]:
    def case(servers: Servers) -> str:
        async def hang(args: Any, ctx: Any) -> str:
            await anyio.sleep(30)
            return "never"

        return _weather_call({"city": "Lima"}, hang, tool_timeout=seconds)

    return case


def _post(servers: Servers, body: bytes, **headers: str) -> httpx2.Response:
    async def run() -> httpx2.Response:
        async with http_client() as client:
            return await client.post(
                servers["http"].base + "/mcp",
                content=body,
                headers={
                    "Accept": "application/json, text/event-stream",
                    "Content-Type": "application/json",
                    **headers,
                },
            )

    return anyio.run(run)


def too_large(servers: Servers) -> str:
    response = _post(servers, b"x" * (5 * 1024 * 1024))
    assert response.status_code == 413
    return response.text


def parse_error(servers: Servers) -> str:
    response = _post(servers, b"{bad")
    assert response.status_code == 400
    message: str = response.json()["error"]["message"]
    return message


def invalid_request(servers: Servers) -> str:
    response = _post(servers, b'{"jsonrpc": "2.0", "id": 7}')
    assert response.status_code == 400
    message: str = response.json()["error"]["message"]
    return message


def bad_host(servers: Servers) -> str:
    response = _post(servers, b"{}", Host="evil.example.com", **auth())
    return f"{response.text} -> {response.status_code}"


def bad_origin(servers: Servers) -> str:
    response = _post(servers, b"{}", Origin="https://evil.example.com", **auth())
    return f"{response.text} -> {response.status_code}"


def no_subprotocol(servers: Servers, part: str = "message") -> str:
    async def run() -> str:
        url = f"ws://127.0.0.1:{servers['websocket'].port}/ws"
        try:
            async with connect(url, additional_headers=auth()):
                pass
        except InvalidStatus as refused:
            if part == "body":
                return refused.response.body.decode()
            return str(refused)  # what the websockets client says
        raise AssertionError("the handshake was accepted")

    return anyio.run(run)


README, TRANSPORTS, RELIABILITY = (
    "README.md",
    "docs/transports.md",
    "docs/reliability.md",
)
ROWS: list[tuple[str, str, dict[str, str], Callable[[Servers], str]]] = [
    (
        README,
        "Invalid arguments for tool '<name>':",
        {"<name>": "get_conditions"},
        invalid_arguments,
    ),
    (README, "Not implemented: <name>", {"<name>": "get_forecast"}, not_implemented),
    (
        README,
        "Tool '<name>' failed: <message>",
        {"<name>": "get_conditions", "<message>": "disk on fire"},
        raised,
    ),
    (
        README,
        "Tool '<name>' failed: internal error (id <8 hex digits>)",
        {"<name>": "get_conditions"},
        hidden,
    ),
    (
        README,
        "Tool '<name>' timed out after N s",
        {"<name>": "get_conditions", "N": "0.5"},
        timed_out(0.5),
    ),
    (
        RELIABILITY,
        "Tool '<name>' timed out after N s",
        {"<name>": "get_conditions", "N": "0.5"},
        timed_out(0.5),
    ),
    (TRANSPORTS, "Request body too large", {}, too_large),
    (TRANSPORTS, "-32700 `Parse error`", {"-32700 `": "", "`": ""}, parse_error),
    (
        TRANSPORTS,
        "Invalid Request: <reason>",
        {"<reason>": '"method" is missing'},
        invalid_request,
    ),
    (TRANSPORTS, "Invalid Host header -> 421", {}, bad_host),
    (TRANSPORTS, "Invalid Origin header -> 403", {}, bad_origin),
    (
        TRANSPORTS,
        "server rejected WebSocket connection: HTTP 400",
        {},
        no_subprotocol,
    ),
    (
        TRANSPORTS,
        "the body\n`Subprotocol 'mcp' required`",
        {"the body\n`": "", "`": ""},
        lambda servers: no_subprotocol(servers, "body"),
    ),
]


@pytest.mark.parametrize(
    ("doc", "quote", "fill", "produce"),
    ROWS,
    ids=[f"{doc}:{quote[:40]}" for doc, quote, _, _ in ROWS],
)
def test_a_quoted_error_is_the_real_text(
    servers: Servers,
    doc: str,
    quote: str,
    fill: dict[str, str],
    produce: Callable[[Servers], str],
) -> None:
    assert quote in (ROOT / doc).read_text(encoding="utf-8"), (
        f"{doc} no longer quotes {quote!r}"
    )
    expected = quote
    for placeholder, value in fill.items():
        expected = expected.replace(placeholder, value)
    assert produce(servers) == expected
