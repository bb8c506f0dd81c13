"""mcpmint_runtime.logging_level: the severity order, unknown levels, and a server
built by the runtime declaring `logging` without the SDK's deprecation warning."""

from __future__ import annotations

import warnings
from typing import get_args

import anyio
import mcp_types as types
import pytest
from mcpmint_runtime import ServerInfo, build_server
from mcpmint_runtime.logging_level import LEVELS, send_log


def test_levels_are_rfc5424_least_severe_first() -> None:
    assert LEVELS[0] == "debug" and LEVELS[-1] == "emergency"
    assert LEVELS.index("notice") < LEVELS.index("warning") < LEVELS.index("error")
    assert sorted(LEVELS) == sorted(get_args(types.LoggingLevel))


def test_an_unknown_level_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError) as refused:
        anyio.run(send_log, None, "loud", "x")
    assert str(refused.value) == (
        "unknown log level 'loud': use one of debug, info, notice, warning, error,"
        " critical, alert, emergency"
    )


@pytest.mark.parametrize("version", [None, "2025-11-25", "2026-07-28"])
def test_the_server_declares_logging_without_a_warning(version: str | None) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        server = build_server(ServerInfo(name="quiet", version="1", tools=()))
        capabilities = server.get_capabilities(protocol_version=version)
    assert capabilities.logging is not None
    assert caught == []
