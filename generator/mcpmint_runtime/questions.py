"""The questions a handler asks (`Elicit`, `Sample`, `ListRoots`): what each
sends, and how a client's answer becomes the handler's value. input_requests.py
sends them, in either protocol era.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, cast, overload

import mcp_types as types
from mcp.server.elicitation import render_elicitation_schema
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel, ValidationError

from .errors import ToolFailure

Kind = Literal["elicitation", "sampling", "roots"]
R = TypeVar("R")
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

__all__ = ["Ask", "Elicit", "Elicited", "Kind", "ListRoots", "Sample"]


@dataclass(frozen=True, slots=True)
class Elicited(Generic[T]):
    """The user's answer: `accept` (with `content`), `decline` or `cancel`.

    `data` is `content` validated: an instance of the schema's model, or the
    content itself when the schema was a JSON Schema dict; None unless accepted."""

    action: Literal["accept", "decline", "cancel"]
    content: dict[str, Any] | None = None
    data: T | None = None

    @property
    def accepted(self) -> bool:
        return self.action == "accept"


class Ask(Generic[R]):
    """One question; `key` names it on the wire (default: kind and number)."""

    kind: Kind
    key: str | None = None
    result_model: type[BaseModel] = types.EmptyResult

    def wire(self) -> types.InputRequest:
        raise NotImplementedError

    def answer(self, wire: Mapping[str, Any], key: str) -> R:
        """The handler's value of a client's answer (the JSON of its result)."""
        raise NotImplementedError


class Elicit(Ask[Elicited[T]]):
    """Ask the user to fill a form: `schema` is a pydantic model (flat, primitive
    fields) or a JSON Schema dict (`Elicit[dict[str, Any]]`)."""

    kind: Kind = "elicitation"
    result_model = types.ElicitResult

    @overload
    def __init__(
        self, message: str, schema: type[T], *, key: str | None = None
    ) -> None: ...
    @overload
    def __init__(
        self: Elicit[dict[str, Any]],
        message: str,
        schema: Mapping[str, Any],
        *,
        key: str | None = None,
    ) -> None: ...
    def __init__(
        self,
        message: str,
        schema: type[T] | Mapping[str, Any],
        *,
        key: str | None = None,
    ) -> None:
        self.message, self.key = message, key
        self.model: type[BaseModel] | None = None
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            self.model = schema
            self.schema: dict[str, Any] = dict(render_elicitation_schema(schema))
        else:
            self.schema = dict(cast(Mapping[str, Any], schema))

    def wire(self) -> types.InputRequest:
        params = types.ElicitRequestFormParams(
            message=self.message, requested_schema=self.schema
        )
        return types.ElicitRequest(params=params)

    def answer(self, wire: Mapping[str, Any], key: str) -> Elicited[T]:
        result = _parse(types.ElicitResult, wire, key, "an elicitation")
        if result.action != "accept":
            return Elicited(result.action)
        content = dict(result.content or {})
        if self.model is not None:
            try:
                model = cast(T, self.model.model_validate(content))
            except ValidationError as exc:
                problems = [
                    f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}"
                    for e in exc.errors(include_url=False)
                ]
                raise _bad_answer(key, problems) from None
            return Elicited("accept", content, model)
        jsonschema = importlib.import_module("jsonschema")
        errors = jsonschema.Draft202012Validator(self.schema).iter_errors(content)
        problems = [
            f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in errors
        ]
        if problems:
            raise _bad_answer(key, problems)
        return Elicited("accept", content, cast(T, content))


class Sample(Ask[types.CreateMessageResult]):
    """Ask the client's model: `messages` are SamplingMessages, or strings (each a
    user message)."""

    kind: Kind = "sampling"
    result_model = types.CreateMessageResult

    def __init__(
        self,
        messages: Sequence[types.SamplingMessage | str],
        *,
        max_tokens: int,
        system_prompt: str | None = None,
        temperature: float | None = None,
        stop_sequences: Sequence[str] | None = None,
        model_preferences: types.ModelPreferences | None = None,
        key: str | None = None,
    ) -> None:
        self.params = types.CreateMessageRequestParams(
            messages=[_message(m) for m in messages],
            max_tokens=max_tokens,
            system_prompt=system_prompt,
            temperature=temperature,
            stop_sequences=list(stop_sequences) if stop_sequences else None,
            model_preferences=model_preferences,
        )
        self.key = key

    def wire(self) -> types.InputRequest:
        return types.CreateMessageRequest(params=self.params)

    def answer(self, wire: Mapping[str, Any], key: str) -> types.CreateMessageResult:
        return _parse(types.CreateMessageResult, wire, key, "a sampling")


class ListRoots(Ask[list[types.Root]]):
    """Ask for the client's roots (the directories or files it offers)."""

    kind: Kind = "roots"
    result_model = types.ListRootsResult

    def __init__(self, *, key: str | None = None) -> None:
        self.key = key

    def wire(self) -> types.InputRequest:
        return types.ListRootsRequest()

    def answer(self, wire: Mapping[str, Any], key: str) -> list[types.Root]:
        return _parse(types.ListRootsResult, wire, key, "a roots/list").roots


def _message(message: types.SamplingMessage | str) -> types.SamplingMessage:
    if isinstance(message, str):
        text = types.TextContent(type="text", text=message)
        return types.SamplingMessage(role="user", content=text)
    return message


def _parse(model: type[M], wire: Mapping[str, Any], key: str, what: str) -> M:
    try:
        return model.model_validate(wire)
    except ValidationError:
        raise MCPError(
            types.INVALID_PARAMS, f"The answer to {key!r} is not {what} result"
        ) from None


def _bad_answer(key: str, problems: Sequence[str]) -> ToolFailure:
    lines = [f"The answer to {key!r} does not fit the requested schema:"]
    return ToolFailure("\n".join([*lines, *(f"- {p}" for p in problems)]))
