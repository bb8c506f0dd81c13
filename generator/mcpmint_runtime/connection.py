"""What a generated client needs to connect: transports, and one-line errors.

The SDK reports a refused token on Streamable HTTP as "Server returned an error
response" inside nested exception groups, and a refused connection as an exception
group too. `connection_errors` turns those into one typed exception each, with a
message of one line: `AuthError` (HTTP 401/403 and the server's `WWW-Authenticate`
challenge), `Unreachable` (nothing answers at the address) and `TimedOut`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mcp.shared.exceptions import MCPError

if TYPE_CHECKING:
    from .transports.tls import Verify

__all__ = [
    "AuthError",
    "ClientError",
    "ConnectionProblem",
    "TimedOut",
    "Unreachable",
    "HttpTransport",
    "connection_errors",
    "http_client_factory",
]

_REQUEST_TIMEOUT = -32001  # the SDK's JSON-RPC code for a request that timed out


class ClientError(Exception):
    """Base of every error a generated client raises; the message is one line."""


class ConnectionProblem(ClientError):
    """The client could not talk to the server; the message is one line."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"{target}: {reason}")
        self.target = target


class AuthError(ConnectionProblem):
    """The server refused the request: HTTP 401 or 403, with its challenge."""

    def __init__(self, target: str, status: int, challenge: str | None) -> None:
        what = "unauthorized" if status == 401 else "forbidden"
        params = challenge_params(challenge)
        reason = f"HTTP {status} {what}"
        if "error" in params:
            reason += f": {params['error']}"
        if "scope" in params:
            reason += f", scope asked: {params['scope']}"
        if challenge:
            reason += f" (WWW-Authenticate: {challenge})"
        super().__init__(target, reason)
        self.status = status
        self.challenge = challenge
        self.error: str | None = params.get("error")  # "invalid_token", ...
        # The scopes the server asked for, space-separated (RFC 6750 `scope`).
        self.scope: str | None = params.get("scope")


def challenge_params(challenge: str | None) -> dict[str, str]:
    """The `key="value"` parameters of a Bearer challenge (RFC 6750)."""
    found = re.findall(r'([A-Za-z_]+)="((?:[^"\\]|\\.)*)"', challenge or "")
    return {key: re.sub(r"\\(.)", r"\1", value) for key, value in found}


class Unreachable(ConnectionProblem):
    """Nothing answered at the address (refused, unknown host, no such command)."""


class TimedOut(ConnectionProblem):
    """The server did not answer in time."""


@dataclass
class _Refusal:
    """The last 401/403 an HTTP transport saw (the SDK keeps only "an error")."""

    status: int | None = None
    challenge: str | None = None


class HttpTransport:
    """Streamable HTTP to `url` for `mcp.Client`, noting a 401/403 answer for
    `connection_errors`."""

    def __init__(
        self, url: str, headers: Mapping[str, str], verify: Verify = True
    ) -> None:
        self.url = url
        self.headers = dict(headers)
        self.verify = verify
        self.refusal = _Refusal()
        self._stack = AsyncExitStack()

    async def _note(self, response: Any) -> None:
        if response.status_code in (401, 403):
            self.refusal.status = response.status_code
            self.refusal.challenge = response.headers.get("www-authenticate")

    async def __aenter__(self) -> Any:
        from mcp.client.streamable_http import streamable_http_client

        async with AsyncExitStack() as stack:
            http = http_client_factory(self.verify)(headers=self.headers)
            http.event_hooks["response"].append(self._note)
            await stack.enter_async_context(http)
            client = streamable_http_client(self.url, http_client=http)
            streams = await stack.enter_async_context(client)
            self._stack = stack.pop_all()
        return streams

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        return await self._stack.__aexit__(*exc_info)


def http_client_factory(verify: Verify = True) -> Any:
    """The SDK's HTTP client factory (its timeouts), trusting what `verify` says:
    True the system's CAs, a CA file or folder, an `ssl.SSLContext`, False anything."""
    import httpx2
    from mcp.shared import _httpx_utils as sdk

    from .transports.tls import trusted

    def factory(
        headers: dict[str, str] | None = None,
        timeout: httpx2.Timeout | None = None,
        auth: httpx2.Auth | None = None,
    ) -> httpx2.AsyncClient:
        if verify is True:
            return sdk.create_mcp_http_client(headers, timeout, auth)
        default = httpx2.Timeout(
            sdk.MCP_DEFAULT_TIMEOUT, read=sdk.MCP_DEFAULT_SSE_READ_TIMEOUT
        )
        return httpx2.AsyncClient(
            headers=headers,
            timeout=timeout or default,
            auth=auth,
            verify=trusted(verify),
        )

    return factory


@asynccontextmanager
async def connection_errors(target: Any, transport: Any) -> AsyncIterator[None]:
    """Re-raise connection failures inside the block as one typed, one-line error.

    `target` names the server in the message; `transport` is what `mcp.Client` got
    (an `HttpTransport` tells a refused token from other error responses).
    """
    name = target if isinstance(target, str) else type(target).__name__
    try:
        yield
    except BaseException as exc:
        problem = _explain(exc, name, transport)
        if problem is None:
            raise
        raise problem from None


def _explain(exc: BaseException, target: str, transport: Any) -> Exception | None:
    for leaf in _leaves(exc):
        if isinstance(leaf, ClientError):  # already one line (ToolError, ...)
            return leaf if leaf is not exc else None
    refusal = getattr(transport, "refusal", None)
    if isinstance(refusal, _Refusal) and refusal.status is not None:
        if any(isinstance(e, MCPError) for e in _leaves(exc)):
            return AuthError(target, refusal.status, refusal.challenge)
    for leaf in _leaves(exc):
        problem = _explain_one(leaf, target)
        if problem is not None:
            return problem
    # The server's JSON-RPC error (or the block's own exception) inside the SDK's
    # task groups: raised as itself.
    leaves = list(_leaves(exc))
    if exc is not leaves[0] and len(leaves) == 1 and isinstance(leaves[0], Exception):
        return leaves[0]
    return None


def _explain_one(exc: BaseException, target: str) -> Exception | None:
    import httpx2

    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if status in (401, 403):  # SSE (httpx) and WebSocket handshakes
        challenge = response.headers.get("www-authenticate")  # type: ignore[union-attr]
        return AuthError(target, int(status), challenge)
    if isinstance(exc, httpx2.TimeoutException | TimeoutError):
        return TimedOut(target, "no answer in time")
    if isinstance(exc, MCPError) and exc.code == _REQUEST_TIMEOUT:
        return TimedOut(target, exc.message)
    if isinstance(exc, httpx2.ConnectError | ConnectionError):
        return Unreachable(target, f"cannot connect ({exc})")
    if isinstance(exc, FileNotFoundError):
        return Unreachable(target, f"cannot start the server ({exc.strerror})")
    return None


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
    else:
        yield exc
