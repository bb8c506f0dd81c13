"""Pure pieces of the transports: header matching, token check, frame parsing."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("pkg_root")


def _security() -> Any:
    from mcpmint_runtime.transports import security

    return security


def _websocket() -> Any:
    from mcpmint_runtime.transports import websocket

    return websocket


@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        ("localhost:8000", True),
        ("127.0.0.1:1", True),
        ("api.example", True),
        ("localhost", False),
        ("localhost:", False),
        ("localhost:80@evil", False),
        ("localhost.evil.example:80", False),
        ("evil.example:8000", False),
        ("", False),
    ],
)
def test_host_patterns_match_exactly_or_on_any_numeric_port(
    value: str, allowed: bool
) -> None:
    patterns = ["localhost:*", "127.0.0.1:*", "api.example"]
    assert _security().value_allowed(value, patterns) is allowed


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ("Bearer s3cret", True),
        ("bearer s3cret", True),
        ("Bearer s3cret2", False),
        ("Bearer ", False),
        ("Basic s3cret", False),
        ("s3cret", False),
        (None, False),
    ],
)
def test_the_bearer_token_check(header: str | None, ok: bool) -> None:
    assert _security().token_matches(header, "s3cret") is ok


@pytest.mark.parametrize(
    ("frame", "code", "request_id"),
    [
        (None, -32600, None),
        ("", -32700, None),
        ("{", -32700, None),
        ("[]", -32600, None),
        ("42", -32600, None),
        ('{"jsonrpc": "2.0", "id": 3}', -32600, 3),
        ('{"jsonrpc": "2.0", "id": "a", "method": 1}', -32600, "a"),
        ('{"jsonrpc": "1.0", "id": [1], "method": "x"}', -32600, None),
        # Ids that are neither strings nor integers: the SDK's model would take
        # these requests for notifications and never answer them.
        ('{"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}', -32600, None),
        ('{"jsonrpc": "2.0", "id": true, "method": "ping"}', -32600, None),
        ('{"jsonrpc": "2.0", "id": null, "method": "ping"}', -32600, None),
        ('{"jsonrpc": "2.0", "id": 1.5, "method": "ping"}', -32600, None),
        ('{"jsonrpc": "2.0", "id": 2, "method": "x", "params": [1]}', -32600, 2),
        ('{"jsonrpc": "2.0", "id": 2, "result": []}', -32600, 2),
    ],
)
def test_a_frame_without_a_message_raises_the_error_to_answer(
    frame: str | None, code: int, request_id: Any
) -> None:
    websocket = _websocket()
    with pytest.raises(websocket.FrameError) as raised:
        websocket.parse_frame(frame)
    assert raised.value.reply.error.code == code
    assert raised.value.reply.id == request_id


def test_a_valid_frame_parses_to_its_message() -> None:
    message = _websocket().parse_frame('{"jsonrpc": "2.0", "id": 1, "method": "ping"}')
    assert (message.id, message.method) == (1, "ping")


@pytest.mark.parametrize(
    ("document", "request_id"),
    [
        ({"jsonrpc": "2.0", "id": 7, "method": "ping"}, 7),
        ({"jsonrpc": "2.0", "id": "a", "method": "x", "params": {}}, "a"),
        ({"jsonrpc": "2.0", "method": "notifications/initialized"}, None),
        ({"jsonrpc": "2.0", "id": 7, "result": {}}, None),
        ({"jsonrpc": "2.0", "id": None, "error": {"code": 1, "message": "m"}}, None),
    ],
)
def test_the_body_check_accepts_messages_and_names_the_request_id(
    document: Any, request_id: Any
) -> None:
    from mcpmint_runtime.transports import jsonrpc

    assert jsonrpc.check_document(document) == request_id


def test_a_notification_line_with_a_bad_id_is_refused_a_good_one_parses() -> None:
    from mcpmint_runtime.transports import jsonrpc

    line = '{"jsonrpc": "2.0", "method": "notifications/initialized"}'
    assert jsonrpc.parse_message(line).method == "notifications/initialized"
    with pytest.raises(jsonrpc.InvalidMessage) as raised:
        jsonrpc.parse_message('{"jsonrpc": "2.0", "id": false, "method": "ping"}')
    assert (raised.value.reply.id, raised.value.reply.error.code) == (None, -32600)
    assert raised.value.wire().startswith(b'{"jsonrpc":"2.0","id":null,')
