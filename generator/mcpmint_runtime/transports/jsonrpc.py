"""What is a JSON-RPC message, and the error owed to what is not.

Every transport answers a line, frame or body that carries no message with the
error JSON-RPC 2.0 prescribes, instead of passing it to the SDK (which answers
nothing on stdio, and a pydantic dump under the wrong code on HTTP):

- not JSON: -32700 "Parse error", id null;
- JSON but not a message (a batch, a bare value, no `method`, a `method` that is
  not a string, `params` that are not an object, `jsonrpc` other than "2.0", an
  id that is neither a string nor an integer): -32600 "Invalid Request", with the
  message's id when it is a valid one, else null.

The SDK's model ignores unknown keys, so it takes a request whose id is an
object, a boolean, a float or null for a notification and never answers it;
MCP ids are strings or integers, so such a message is refused here.
"""

from __future__ import annotations

from typing import Any, Final

import mcp_types
from pydantic import TypeAdapter, ValidationError

__all__ = [
    "InvalidMessage",
    "check_document",
    "parse_json",
    "parse_message",
    "refusal",
]

PARSE_ERROR_MESSAGE: Final = "Parse error"
_NO_ID: Final[Any] = object()
_JSON: Final = TypeAdapter[Any](Any)  # the SDK's parser: ~2 µs for a typical call


class InvalidMessage(Exception):
    """Input that carries no JSON-RPC message; `reply` is the error to answer."""

    def __init__(
        self, code: int, message: str, request_id: mcp_types.RequestId | None = None
    ) -> None:
        super().__init__(message)
        error = mcp_types.ErrorData(code=code, message=message)
        self.reply = mcp_types.JSONRPCError(jsonrpc="2.0", id=request_id, error=error)

    def wire(self) -> bytes:
        """The error response as it goes on the wire (UTF-8 JSON, no newline)."""
        return self.reply.model_dump_json(by_alias=True, exclude_unset=True).encode()


def parse_json(data: str | bytes) -> Any:
    """`data` parsed as the SDK parses it; raises ValueError if it is not JSON."""
    return _JSON.validate_json(data)


def parse_message(data: str | bytes) -> mcp_types.JSONRPCMessage:
    """The message in a line or frame; raises InvalidMessage with the error owed."""
    try:
        message = mcp_types.jsonrpc_message_adapter.validate_json(data, by_name=False)
    except ValidationError:
        raise refusal(data) from None
    if isinstance(message, mcp_types.JSONRPCNotification) and _has_id(data):
        # A request whose id is not valid: the model dropped the id.
        raise _invalid('"id" must be a string or an integer')
    return message


def check_document(document: Any) -> mcp_types.RequestId | None:
    """The id of the request `document` (parsed JSON) is; None for other messages.

    Raises InvalidMessage when `document` is no JSON-RPC message. What this
    accepts, the SDK's model accepts too, as the same kind of message with the
    same id; it refuses a little more (a request with a `result` or an `error`).
    """
    if not isinstance(document, dict):
        if isinstance(document, list):
            raise _invalid("batches are not supported")
        raise _invalid("a message must be a JSON object")
    raw_id = document.get("id", _NO_ID)
    request_id: mcp_types.RequestId | None = raw_id if _is_id(raw_id) else None
    if document.get("jsonrpc") != "2.0":
        raise _invalid('"jsonrpc" must be "2.0"', request_id)
    if "method" in document:
        if not isinstance(document["method"], str):
            raise _invalid('"method" must be a string', request_id)
        if "result" in document or "error" in document:
            raise _invalid('a request has no "result" or "error"', request_id)
        params = document.get("params")
        if params is not None and not isinstance(params, dict):
            raise _invalid('"params" must be an object', request_id)
        if raw_id is _NO_ID:
            return None  # a notification
        if request_id is None:
            raise _invalid('"id" must be a string or an integer')
        return request_id
    if "result" in document:  # the client answering a request of the server
        if request_id is None or not isinstance(document["result"], dict):
            raise _invalid("not a valid response", request_id)
        return None
    if "error" in document:  # rare: the SDK's model decides
        try:
            mcp_types.ErrorData.model_validate(document["error"])
        except ValidationError:
            raise _invalid("not a valid error response", request_id) from None
        if raw_id is not None and request_id is None:
            raise _invalid("not a valid error response")
        return None
    raise _invalid('"method" is missing', request_id)


def refusal(data: str | bytes) -> InvalidMessage:
    """The error owed to `data`, which the SDK's model refused."""
    try:
        document = parse_json(data)
    except ValueError:
        return InvalidMessage(mcp_types.PARSE_ERROR, PARSE_ERROR_MESSAGE)
    return _refusal_of_document(document)


def _refusal_of_document(document: Any) -> InvalidMessage:
    try:
        check_document(document)
    except InvalidMessage as invalid:
        return invalid
    raw_id = document.get("id") if isinstance(document, dict) else None
    return _invalid("not a JSON-RPC message", raw_id if _is_id(raw_id) else None)


def _invalid(
    reason: str, request_id: mcp_types.RequestId | None = None
) -> InvalidMessage:
    return InvalidMessage(
        mcp_types.INVALID_REQUEST, f"Invalid Request: {reason}", request_id
    )


def _is_id(value: Any) -> bool:
    return type(value) is int or isinstance(value, str)


def _has_id(data: str | bytes) -> bool:
    # Notifications are few (initialized, cancelled, progress): parsing twice is cheap.
    document = parse_json(data)
    return isinstance(document, dict) and "id" in document
