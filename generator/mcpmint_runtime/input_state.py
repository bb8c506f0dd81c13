"""The `requestState` of 2026-07-28 input requests: the key that seals it, and what
it carries from one round to the next.

The SDK's `RequestStateBoundary` (a server middleware) seals every `requestState`
a server sends and checks every one a client echoes: AES-256-GCM under a key
derived from ours, bound to the method, the tool, prompt or resource, its
arguments, this server's name, and ten minutes. A token that fails any check is
refused with `-32602 Invalid or expired requestState` before a handler runs.

The key: `MCP_REQUEST_STATE_KEY` (at least 32 bytes; several, comma-separated, to
rotate keys: the first seals, all unseal). Without it each process makes its own,
so a state minted by one replica, or before a restart, is refused by another:
replicas behind one URL must share the variable. The key is never logged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mcp.server.lowlevel import Server
from mcp.server.request_state import (
    AESGCMRequestStateCodec,
    RequestStateBoundary,
    RequestStateSecurity,
)

from .settings import SettingsError

KEY_VARIABLE = "MCP_REQUEST_STATE_KEY"
MIN_KEY_BYTES = 32
TTL_SECONDS = 600.0
_VERSION = 1

__all__ = [
    "KEY_VARIABLE",
    "RequestStateKeyError",
    "RoundState",
    "attach_request_state",
    "keys_from_env",
    "security_from_env",
]


class RequestStateKeyError(SettingsError):
    """`MCP_REQUEST_STATE_KEY` is unusable: one line, never showing the key."""


def keys_from_env(environ: Mapping[str, str] | None = None) -> list[bytes] | None:
    """The keys of `MCP_REQUEST_STATE_KEY` (commas between keys), or None if unset."""
    env = os.environ if environ is None else environ
    text = env.get(KEY_VARIABLE, "")
    keys = [part.strip().encode() for part in text.split(",") if part.strip()]
    if not keys:
        return None
    for number, key in enumerate(keys, 1):
        if len(key) < MIN_KEY_BYTES:
            raise RequestStateKeyError(
                f"{KEY_VARIABLE}: key {number} is {len(key)} bytes, at least "
                f"{MIN_KEY_BYTES} are needed (make one with: python -c "
                '"import secrets; print(secrets.token_hex(32))")'
            )
    if len(set(keys)) != len(keys):
        raise RequestStateKeyError(f"{KEY_VARIABLE}: the same key is given twice")
    return keys


class _LazyCodec:
    """The SDK's AES-GCM codec, made at the first seal or unseal.

    Making it loads OpenSSL's ciphers (about 1.4 MiB and 1 ms): a server that never
    asks its client a question (every stdio server without input requests) never
    pays for it. The keys were checked by `keys_from_env` already.
    """

    __slots__ = ("_codec", "_keys")

    def __init__(self, keys: list[bytes]) -> None:
        self._keys = keys
        self._codec: AESGCMRequestStateCodec | None = None

    def _made(self) -> AESGCMRequestStateCodec:
        if self._codec is None:
            self._codec = AESGCMRequestStateCodec(self._keys)
        return self._codec

    def seal(self, payload: bytes) -> str:
        return self._made().seal(payload)

    def unseal(self, token: str) -> bytes:
        return self._made().unseal(token)


def security_from_env(
    environ: Mapping[str, str] | None = None,
) -> RequestStateSecurity:
    """The SDK's sealing policy: the shared keys, else a key of this process only
    (as `RequestStateSecurity.ephemeral` makes); the cipher is made at first use."""
    keys = keys_from_env(environ)
    codec = _LazyCodec([os.urandom(32)] if keys is None else keys)
    return RequestStateSecurity(codec=codec, ttl=TTL_SECONDS)


def attach_request_state(
    server: Server[Any], name: str, environ: Mapping[str, str] | None = None
) -> None:
    """Seal and check `requestState` on tools/call, prompts/get and resources/read;
    `name` (the server's) is the audience, so another server with the same key
    cannot replay its state here."""
    boundary = RequestStateBoundary(security_from_env(environ), default_audience=name)
    server.middleware.append(boundary)


@dataclass(slots=True)
class RoundState:
    """What one round hands the next, as JSON inside the sealed `requestState`.

    `answers`: key -> {"q": digest of the question, "r": the client's answer};
    `asked`: key -> digest of each question sent with this round's result;
    `carry`: the handler's own small values (`ctx.carry`).
    """

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    asked: dict[str, str] = field(default_factory=dict)
    carry: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> str:
        data = {
            "v": _VERSION,
            "answers": self.answers,
            "asked": self.asked,
            "carry": self.carry,
        }
        return json.dumps(data, separators=(",", ":"), ensure_ascii=True)

    @classmethod
    def decode(cls, text: Any) -> RoundState:
        """The state a round sealed; empty for none, or for one this version of the
        runtime did not write (the seal was already checked: it is ours)."""
        if not isinstance(text, str) or not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(data, dict) or data.get("v") != _VERSION:
            return cls()
        answers, asked, carry = (
            data.get("answers"),
            data.get("asked"),
            data.get("carry"),
        )
        if not (
            isinstance(answers, dict)
            and isinstance(asked, dict)
            and isinstance(carry, dict)
        ):
            return cls()
        return cls(answers, asked, carry)
