"""The sealing of 2026-07-28 `requestState` (mcpmint_runtime.input_state) and the
questions a handler asks (mcpmint_runtime.questions): keys from
`MCP_REQUEST_STATE_KEY`, tokens that only the key's holders can open, what a
round carries, and how answers are checked."""

from __future__ import annotations

from typing import Any

import mcp_types as types
import pytest
from mcp.server.request_state import InvalidRequestState
from mcp.shared.exceptions import MCPError
from mcpmint_runtime import Elicit, ListRoots, Sample, ToolFailure
from mcpmint_runtime.input_requests import _digest
from mcpmint_runtime.input_state import (
    RequestStateKeyError,
    RoundState,
    keys_from_env,
    security_from_env,
)
from mcpmint_runtime.settings import SettingsError
from pydantic import BaseModel

OLD = "o" * 32
NEW = "n" * 40


def env(value: str) -> dict[str, str]:
    return {"MCP_REQUEST_STATE_KEY": value}


def test_no_key_means_none_and_a_process_key() -> None:
    assert keys_from_env({}) is None
    assert keys_from_env(env(" , ")) is None
    one, two = security_from_env({}), security_from_env({})
    token = one.codec.seal(b"state")
    assert one.codec.unseal(token) == b"state"
    with pytest.raises(InvalidRequestState):  # another process: another key
        two.codec.unseal(token)


def test_keys_are_read_in_order() -> None:
    assert keys_from_env(env(f" {NEW} ,{OLD}")) == [NEW.encode(), OLD.encode()]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "short",
            "MCP_REQUEST_STATE_KEY: key 1 is 5 bytes, at least 32 are needed (make "
            'one with: python -c "import secrets; print(secrets.token_hex(32))")',
        ),
        (
            f"{OLD},{'x' * 31}",
            "MCP_REQUEST_STATE_KEY: key 2 is 31 bytes, at least 32 are needed (make "
            'one with: python -c "import secrets; print(secrets.token_hex(32))")',
        ),
        (f"{OLD},{OLD}", "MCP_REQUEST_STATE_KEY: the same key is given twice"),
    ],
)
def test_a_bad_key_is_one_line_without_the_key(value: str, message: str) -> None:
    with pytest.raises(RequestStateKeyError) as error:
        keys_from_env(env(value))
    assert str(error.value) == message
    assert isinstance(error.value, SettingsError)  # the command line: exit 2


def test_holders_of_the_key_share_state_and_rotate() -> None:
    minted = security_from_env(env(OLD)).codec.seal(b'{"a":1}')
    assert security_from_env(env(OLD)).codec.unseal(minted) == b'{"a":1}'
    # Rotation: the new key seals, the old still opens what it sealed.
    rotated = security_from_env(env(f"{NEW},{OLD}")).codec
    assert rotated.unseal(minted) == b'{"a":1}'
    assert security_from_env(env(NEW)).codec.unseal(rotated.seal(b"x")) == b"x"
    with pytest.raises(InvalidRequestState):
        security_from_env(env(NEW)).codec.unseal(minted)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t + "-TAMPERED",
        lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),
        lambda t: "v2" + t[2:],
        lambda t: "",
    ],
)
def test_an_altered_token_does_not_open(tamper: Any) -> None:
    codec = security_from_env(env(OLD)).codec
    token = codec.seal(b"state")
    assert b"state" not in token.encode()  # encrypted, not only signed
    with pytest.raises(InvalidRequestState):
        codec.unseal(tamper(token))


def test_a_round_state_round_trips() -> None:
    state = RoundState(
        {"step1": {"q": "abc", "r": {"action": "accept", "content": {"n": "é"}}}},
        {"step2": "def"},
        {"runs": 2},
    )
    text = state.encode()
    assert text.isascii()
    assert RoundState.decode(text) == state


@pytest.mark.parametrize(
    "text",
    [None, "", "not json", "[]", '{"v":2,"answers":{},"asked":{},"carry":{}}'],
)
def test_a_state_not_ours_is_empty(text: Any) -> None:
    assert RoundState.decode(text) == RoundState()


class Trip(BaseModel):
    city: str
    nights: int


def test_a_model_question_and_its_answers() -> None:
    question = Elicit("Where to?", Trip, key="trip")
    wire = question.wire()
    assert wire.method == "elicitation/create"
    assert wire.params.requested_schema["required"] == ["city", "nights"]
    answer = question.answer(
        {"action": "accept", "content": {"city": "Oslo", "nights": 2}}, "trip"
    )
    assert answer.accepted and answer.data == Trip(city="Oslo", nights=2)
    declined = question.answer({"action": "decline"}, "trip")
    assert (declined.action, declined.content, declined.data) == ("decline", None, None)
    with pytest.raises(ToolFailure) as bad:
        question.answer({"action": "accept", "content": {"city": "Oslo"}}, "trip")
    assert str(bad.value) == (
        "The answer to 'trip' does not fit the requested schema:\n"
        "- nights: Field required"
    )


def test_a_json_schema_question_is_checked_too() -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    question = Elicit("Sure?", schema)
    assert question.answer({"action": "accept", "content": {"ok": True}}, "k").data == {
        "ok": True
    }
    with pytest.raises(ToolFailure) as bad:
        question.answer({"action": "accept", "content": {"ok": "yes"}}, "k")
    assert str(bad.value) == (
        "The answer to 'k' does not fit the requested schema:\n"
        "- ok: 'yes' is not of type 'boolean'"
    )


def test_an_answer_of_the_wrong_kind_is_invalid_params() -> None:
    with pytest.raises(MCPError) as wrong:
        Sample(["hi"], max_tokens=5).answer({"action": "accept"}, "s")
    assert wrong.value.error.code == types.INVALID_PARAMS
    assert wrong.value.error.message == "The answer to 's' is not a sampling result"
    roots = ListRoots().answer({"roots": [{"uri": "file:///a"}]}, "r")
    assert [str(r.uri) for r in roots] == ["file:///a"]


def test_the_digest_pins_the_exact_question() -> None:
    same = _digest(Sample(["Pick a city"], max_tokens=20).wire())
    assert same == _digest(Sample(["Pick a city"], max_tokens=20).wire())
    assert same != _digest(Sample(["Pick a town"], max_tokens=20).wire())
    assert same != _digest(Sample(["Pick a city"], max_tokens=21).wire())


def test_a_state_lasts_ten_minutes() -> None:
    assert security_from_env({}).ttl == 600.0
    assert security_from_env(env(OLD)).ttl == 600.0
