"""Keep secrets out of every log line, ours and the libraries'.

A filter on the handlers (a handler's filters see every record it writes, whichever
logger made it): it rewrites each record's formatted message, and its traceback,
replacing the value of credential headers (`Authorization`, `Cookie`, ...), any
`Bearer <credential>`, and every registered secret (the server's token) wherever
it appears. uvicorn's WebSocket implementation, for one, dumps handshake headers
at debug level.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

__all__ = ["REDACTED", "RedactingFilter", "add_secret", "install", "redact"]

REDACTED = "[redacted]"

_HEADERS = "proxy-authorization|authorization|set-cookie|cookie|x-api-key"
# `authorization: Bearer x`, `'authorization': 'Bearer x'`,
# `(b'authorization', b'Bearer x')`: the header's name, then its value.
_HEADER = re.compile(
    rf"""(?i)\b({_HEADERS})(['"]?\s*[:=,]\s*(?-i:b)?['"]?)([^'"\r\n]*)"""
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)(\s+)[^\s'\",;]+")
_SECRETS: dict[str, re.Pattern[str]] = {}


def add_secret(secret: str | None) -> None:
    """Redact `secret` wherever it appears in a log line from now on. A short one
    (under 8 characters) only where it stands as a whole, not inside a longer word:
    a one-letter token would otherwise take that letter out of every line."""
    if secret and secret not in _SECRETS:
        pattern = re.escape(secret)
        if len(secret) < 8:
            pattern = rf"(?<![A-Za-z0-9]){pattern}(?![A-Za-z0-9])"
        _SECRETS[secret] = re.compile(pattern)


def redact(text: str) -> str:
    """`text` without credential header values, bearer credentials or secrets."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = _SECRETS[secret].sub(REDACTED, text)
    text = _HEADER.sub(lambda m: f"{m[1]}{m[2]}{REDACTED}", text)
    return _BEARER.sub(lambda m: f"{m[1]}{m[2]}{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """A handler filter: the record's message and traceback, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as usual
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "mcp", "websockets")


def install(loggers: Iterable[str] = LOGGERS) -> None:
    """Put the filter on every handler of these loggers (root by default), and on
    the loggers themselves (records made there, whatever handler writes them)."""
    for name in loggers:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
