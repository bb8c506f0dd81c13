"""`--log-format json`: every stderr line one JSON object, plus one line per request.

`JsonFormatter` writes `time`, `level`, `logger` and `message` (and `exception`
when there is a traceback) for every record, ours, the SDK's and uvicorn's alike.
`RequestLog`, a server middleware (the SDK's `Server.middleware`, the seam its
OpenTelemetry spans use), adds one line per request handled, in both protocol eras
and on every road: the method, the tool, prompt or resource it names, the JSON-RPC
id, the duration and the outcome. Not the arguments, unless `--log-arguments` asks
(then those of `tools/call` and `prompts/get`, up to a size); every string in a line,
nested ones too, goes through `redact`, as the text lines do.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, BinaryIO, TextIO

from .redact import REDACTED, redact

__all__ = ["JsonFormatter", "RequestLog", "log_requests", "use_json_lines"]

REQUESTS = logging.getLogger("mcpmint_runtime.requests")
PRINTED = logging.getLogger("print")
_INTERNAL_ERROR = -32603
_INVALID_PARAMS = -32602
# The param naming what a request is about, by method; its value is logged.
_TARGETS = {
    "tools/call": ("tool", "name"),
    "prompts/get": ("prompt", "name"),
    "resources/read": ("resource", "uri"),
    "resources/subscribe": ("resource", "uri"),
    "resources/unsubscribe": ("resource", "uri"),
}
_LONGEST = 200  # characters of a name or URI kept in a line
_ARGUMENTS_LONGEST = 4096  # characters of a call's arguments (as JSON) logged
_ARGUMENTS_OF = ("tools/call", "prompts/get")
# An argument whose name says it is a credential: its value is never logged.
_CREDENTIAL = re.compile(
    r"(?i)pass(word|wd|phrase)?|secret|token|authori[sz]ation|api[-_]?key|cookie"
    r"|credential|private[-_]?key"
)


class JsonFormatter(logging.Formatter):
    """One JSON object per record; a record's `mcp` dict adds its fields."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, Any] = {
            "time": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "mcp", None) or {})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(_clean(entry), ensure_ascii=False, default=str)


def _clean(value: Any) -> Any:
    """`value` with every string in it redacted, at any depth."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {redact(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def use_json_lines() -> None:
    """Format every handler of the root logger as JSON lines; Python's warnings and
    what handlers print too (logger `print`)."""
    formatter = JsonFormatter()
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
    logging.captureWarnings(True)
    if not isinstance(sys.stdout, _PrintedLines):
        sys.stdout = _PrintedLines(sys.stdout)


class _PrintedLines(io.TextIOBase):
    """`sys.stdout` in JSON mode: each printed line a record of logger `print`.

    On stdio a stray print must not reach the wire; the SDK's own stdio transport
    writes the wire to `.buffer`, which stays the real one."""

    def __init__(self, wrapped: TextIO) -> None:
        self._wrapped = wrapped
        self._pending = ""

    @property
    def buffer(self) -> BinaryIO:
        return self._wrapped.buffer

    def fileno(self) -> int:
        return self._wrapped.fileno()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            PRINTED.info("%s", line)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            PRINTED.info("%s", self._pending)
            self._pending = ""


class RequestLog:
    """Server middleware: one `mcpmint_runtime.requests` line per request handled;
    with `arguments`, a call's arguments in it too."""

    def __init__(self, arguments: bool = False) -> None:
        self.arguments = arguments

    async def __call__(self, ctx: Any, call_next: Any) -> Any:
        if ctx.request_id is None:  # a notification: nothing is answered
            return await call_next(ctx)
        started = time.perf_counter()
        outcome: str = "error"
        code: int | None = _INTERNAL_ERROR
        try:
            result = await call_next(ctx)
            outcome, code = _outcome(result), None
            return result
        except Exception as exc:
            code = _error_code(exc)
            raise
        except BaseException:
            outcome, code = "cancelled", None
            raise
        finally:
            seconds = time.perf_counter() - started
            _log(ctx, outcome, code, seconds, self.arguments)


def log_requests(server: Any, arguments: bool = False) -> None:
    """Add `RequestLog` to `server` (an `mcp.server.lowlevel.Server`), once."""
    if not any(isinstance(m, RequestLog) for m in server.middleware):
        server.middleware.append(RequestLog(arguments))


def _arguments(value: Any) -> Any:
    """A call's arguments as logged: themselves, the values of keys that name a
    credential (`password`, `api_key`, ...) redacted; a note when too long."""
    size = len(json.dumps(value, ensure_ascii=False, default=str))
    if size > _ARGUMENTS_LONGEST:
        return f"[{size} characters, over {_ARGUMENTS_LONGEST}: not logged]"
    return _unsecret(value)


def _unsecret(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            k: REDACTED if _CREDENTIAL.search(str(k)) else _unsecret(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_unsecret(v) for v in value]
    return value


def _outcome(result: Any) -> str:
    if isinstance(result, Mapping):
        if result.get("isError") is True:
            return "tool_error"
        if result.get("resultType") == "input_required":
            return "input_required"
        return "ok"
    if getattr(result, "is_error", False) is True:
        return "tool_error"
    return "ok"


def _error_code(exc: Exception) -> int:
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    if isinstance(code, int):
        return code
    from pydantic import ValidationError

    return _INVALID_PARAMS if isinstance(exc, ValidationError) else _INTERNAL_ERROR


def _log(
    ctx: Any, outcome: str, code: int | None, seconds: float, arguments: bool
) -> None:
    fields: dict[str, Any] = {"method": ctx.method}
    kind, param = _TARGETS.get(ctx.method, ("", ""))
    params = ctx.params or {}
    value = params.get(param) if kind else None
    if isinstance(value, str):
        fields[kind] = value[:_LONGEST]
    if arguments and ctx.method in _ARGUMENTS_OF:
        fields["arguments"] = _arguments(params.get("arguments"))
    fields["request_id"] = ctx.request_id
    fields["duration_ms"] = round(seconds * 1000, 2)
    fields["outcome"] = outcome
    if code is not None:
        fields["error_code"] = code
    name = f" {fields[kind]}" if kind in fields else ""
    REQUESTS.info(
        "%s%s: %s in %.1f ms", ctx.method, name, outcome, seconds * 1000,
        extra={"mcp": fields},
    )  # fmt: skip
