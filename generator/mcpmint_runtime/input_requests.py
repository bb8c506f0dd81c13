"""Input requests: a handler asks the user (elicitation), the client's model
(sampling) or the client's roots, with one API in both protocol eras.

Before 2026-07-28 each question is a server-to-client request tied to the call
(`elicitation/create`, `sampling/createMessage`, `roots/list`), answered while the
handler waits. In 2026-07-28 the call ends with an `input_required` result
carrying the questions and a sealed `requestState` (input_state.py); the client
retries with `inputResponses`, the handler runs again from the top, and this time
the answers are there. Questions asked together (`ctx.ask(a, b, c)`) go in one
round; answers of earlier rounds ride in the state, each pinned to the exact
question it answered. A question whose capability the client did not declare is
refused (-32021, `requiredCapabilities` naming it) in both eras.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, TypeVar, cast

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp.shared.message import ServerMessageMetadata
from mcp_types.version import is_version_at_least

from .input_state import RoundState
from .questions import Ask, Kind

MODERN = "2026-07-28"
# The requests whose result may be `input_required` (2026-07-28).
_ROUND_METHODS = ("tools/call", "prompts/get", "resources/read")
R = TypeVar("R")


class InputRequired(BaseException):  # noqa: N818 - a control-flow signal
    """The handler needs answers the client has not sent yet (2026-07-28).

    A BaseException, like a cancellation, so a handler's `except Exception` lets
    it through to the runtime, which answers with `result`."""

    def __init__(self, result: types.InputRequiredResult) -> None:
        super().__init__("input required")
        self.result = result


async def or_input_required(
    call: Awaitable[R],
) -> R | types.InputRequiredResult:
    """`call`'s result, or the input_required result its handler ended with."""
    try:
        return await call
    except InputRequired as exc:
        return exc.result


def client_can(sdk: ServerRequestContext[Any], kind: Kind) -> bool:
    """Whether the client declared the capability `kind` needs (form elicitation,
    sampling, roots): at initialize, or in 2026-07-28 in this request's `_meta`."""
    caps = sdk.session.client_capabilities
    if caps is None:
        return False
    if kind == "elicitation":
        found = caps.elicitation
        return found is not None and (found.form is not None or found.url is None)
    return (caps.sampling if kind == "sampling" else caps.roots) is not None


_REQUIRED: dict[Kind, dict[str, Any]] = {
    "elicitation": {"elicitation": {"form": {}}},
    "sampling": {"sampling": {}},
    "roots": {"roots": {}},
}


def missing_capability(kind: Kind, owner: str) -> MCPError:
    """-32021 for a question the client cannot answer."""
    return MCPError(
        code=types.MISSING_REQUIRED_CLIENT_CAPABILITY,
        message=f"The client did not declare the {kind} capability {owner} needs",
        data={"requiredCapabilities": _REQUIRED[kind]},
    )


class Inputs:
    """One call's questions and answers: sent now (handshake era), or gathered in
    rounds of input_required results (2026-07-28)."""

    def __init__(self, sdk: ServerRequestContext[Any], owner: str) -> None:
        self.sdk, self.owner = sdk, owner
        version = sdk.protocol_version
        self.modern = bool(version) and is_version_at_least(version, MODERN)
        params = sdk.params or {}
        state = RoundState.decode(params.get("requestState") if self.modern else None)
        self.before, self.asked, self.carry = state.answers, state.asked, state.carry
        responses = params.get("inputResponses") if self.modern else None
        self.responses: Mapping[str, Any] = (
            responses if isinstance(responses, Mapping) else {}
        )
        self.kept: dict[str, dict[str, Any]] = {}
        self.counts: dict[str, int] = {}

    async def ask(self, questions: Sequence[Ask[Any]]) -> tuple[Any, ...]:
        keys = [self._key(q) for q in questions]
        if len(set(keys)) != len(keys):
            raise ValueError(f"two questions with the same key in {keys}")
        for question in questions:
            if not client_can(self.sdk, question.kind):
                raise missing_capability(question.kind, self.owner)
        if self.modern and self.sdk.method not in _ROUND_METHODS:
            raise RuntimeError(
                f"{self.owner} asks for input in {self.sdk.method}: only tools/call, "
                "prompts/get and resources/read can ask"
            )
        if not self.modern:
            return tuple(
                [await self._send(q, k) for q, k in zip(questions, keys, strict=True)]
            )
        answers: list[Any] = []
        pending: dict[str, types.InputRequest] = {}
        for question, key in zip(questions, keys, strict=True):
            request = question.wire()
            digest = _digest(request)
            wire = self._answer(key, digest)
            if wire is None:
                pending[key] = request
                continue
            self.kept[key] = {"q": digest, "r": wire}
            answers.append(question.answer(wire, key))
        if pending:
            raise InputRequired(self._round(pending))
        return tuple(answers)

    def _key(self, question: Ask[Any]) -> str:
        if question.key is not None:
            return question.key
        number = self.counts[question.kind] = self.counts.get(question.kind, 0) + 1
        return f"{question.kind}-{number}"

    async def _send(self, question: Ask[Any], key: str) -> Any:
        request = question.wire()
        result = await self.sdk.session.send_request(
            cast(types.ServerRequest, request),
            question.result_model,
            metadata=ServerMessageMetadata(related_request_id=self.sdk.request_id),
        )
        wire = result.model_dump(mode="json", by_alias=True, exclude_none=True)
        return question.answer(wire, key)

    def _answer(self, key: str, digest: str) -> dict[str, Any] | None:
        """The answer to this exact question: kept from an earlier round, or sent
        now (for a question asked last round, only if it asked the same)."""
        earlier = self.before.get(key)
        if isinstance(earlier, dict) and earlier.get("q") == digest:
            answer = earlier.get("r")
            return answer if isinstance(answer, dict) else None
        if key not in self.responses or self.asked.get(key, digest) != digest:
            return None
        answer = self.responses[key]
        if not isinstance(answer, Mapping):
            raise MCPError(
                types.INVALID_PARAMS, f"inputResponses[{key!r}] is not an object"
            )
        return dict(answer)

    def _round(
        self, pending: dict[str, types.InputRequest]
    ) -> types.InputRequiredResult:
        answers = {**self.before, **self.kept}
        asked = {key: _digest(request) for key, request in pending.items()}
        state = RoundState(answers, asked, self.carry).encode()
        return types.InputRequiredResult(input_requests=pending, request_state=state)


def _digest(request: types.InputRequest) -> str:
    """The question as the client saw it, hashed: an answer counts only for it."""
    params = request.model_dump(mode="json", by_alias=True, exclude_none=True)
    text = json.dumps(params, sort_keys=True, separators=(",", ":"))
    raw = hashlib.sha256(text.encode()).digest()[:16]
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
