"""`format` is enforced on strings: the stdlib checks, and a generated server refusing
bad values with the usual invalid-arguments text (and checking its own results)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from mcpmint.schema.formats import FORMATS, format_problem

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hardening"))
from generated_support import generated_package, write_spec  # noqa: E402

GOOD = {
    "date-time": ["2026-01-31T09:30:00Z", "2026-01-31t09:30:00.25+02:00"],
    "date": ["2026-02-28", "2024-02-29"],
    "time": ["09:30:00Z", "23:59:59.5-05:00"],
    "email": ["ada@example.com", "a.b+c@mail.example.org"],
    "uri": ["https://example.com/a?b=c#d", "urn:isbn:0451450523", "mailto:a@b.c"],
    "uuid": ["123e4567-e89b-12d3-a456-426614174000"],
    "ipv4": ["10.0.0.1", "255.255.255.255"],
    "ipv6": ["::1", "2001:db8::8a2e:370:7334"],
    "hostname": ["example.com", "localhost", "a-b.c"],
}
BAD = {
    "date-time": ["2026-13-45T00:00:00Z", "2026-01-31T09:30:00", "2026-01-31"],
    "date": ["2026-13-45", "2023-02-29", "26-1-1", "2026-01-31T00:00:00Z"],
    "time": ["09:30:00", "25:00:00Z", "9:30"],
    "email": ["nope", "a@", "@b.c", "a b@c.d"],
    "uri": ["not a url", "/relative/path", "example.com", "http://a b"],
    "uuid": ["xyz", "123e4567e89b12d3a456426614174000"],
    "ipv4": ["999.1.1.1", "1.2.3", "010.0.0.1", "::1"],
    "ipv6": ["1::2::3", "fe80::1%eth0", "10.0.0.1"],
    "hostname": ["-bad.com", "a" * 64 + ".com", "under_score.com", "a..b"],
}


def test_every_enforced_format_has_cases() -> None:
    assert set(GOOD) == set(BAD) == set(FORMATS)


@pytest.mark.parametrize(("name", "value"), [(n, v) for n in GOOD for v in GOOD[n]])
def test_valid_values_pass(name: str, value: str) -> None:
    assert format_problem(name, value) is None


@pytest.mark.parametrize(("name", "value"), [(n, v) for n in BAD for v in BAD[n]])
def test_invalid_values_are_refused(name: str, value: str) -> None:
    assert format_problem(name, value) is not None


def test_a_format_mcpmint_does_not_check_accepts_anything() -> None:
    assert format_problem("idn-hostname", "anything at all") is None


def _spec() -> dict[str, Any]:
    properties = {
        name.replace("-", "_"): {"type": "string", "format": name} for name in FORMATS
    }
    return {
        "mcpmint": 1,
        "server": {"name": "formats", "version": "1.0.0"},
        "tools": [
            {
                "name": "check",
                "description": "Takes every format.",
                "inputSchema": {"type": "object", "properties": properties},
            },
            {
                "name": "stamp",
                "description": "Returns a date.",
                "inputSchema": {"type": "object"},
                "outputSchema": {
                    "type": "object",
                    "properties": {"at": {"type": "string", "format": "date"}},
                    "required": ["at"],
                },
            },
        ],
    }


def test_a_generated_server_refuses_badly_formatted_arguments(tmp_path: Path) -> None:
    path = write_spec(tmp_path, _spec())
    refused = {
        "uri": "not a url",
        "date": "2026-13-45",
        "email": "nope",
        "uuid": "xyz",
        "ipv4": "999.1.1.1",
    }
    accepted = {name.replace("-", "_"): GOOD[name][0] for name in FORMATS}
    stamped: list[str] = []

    async def check(args: Any, ctx: Any) -> str:
        return "ok"

    async def stamp(args: Any, ctx: Any) -> dict[str, str]:
        return {"at": stamped.pop()}

    with generated_package(path, tmp_path / "out") as module:
        server = module.build_server(module.Handlers(check=check, stamp=stamp))

        async def main() -> None:
            async with Client(server) as client:
                ok = await client.call_tool("check", accepted)
                assert not ok.is_error, ok.content
                for name, value in refused.items():
                    result = await client.call_tool("check", {name: value})
                    assert result.is_error
                    text = result.content[0].text  # type: ignore[union-attr]
                    assert text.startswith("Invalid arguments for tool 'check':")
                    assert name in text and "not " in text, text
                stamped.append("2026-02-30")
                wrong = await client.call_tool("stamp", {})
                assert wrong.is_error and wrong.structured_content is None
                stamped.append("2026-02-28")
                right = await client.call_tool("stamp", {})
                assert right.structured_content == {"at": "2026-02-28"}

        anyio.run(main)


def test_a_format_without_a_type_checks_strings_only(tmp_path: Path) -> None:
    spec = _spec()
    spec["tools"] = spec["tools"][:1]
    spec["tools"][0]["inputSchema"] = {
        "type": "object",
        "properties": {"e": {"format": "email"}},
    }
    path = write_spec(tmp_path, spec)
    with generated_package(path, tmp_path / "out") as module:
        package = module.__name__.rsplit(".", 1)[0]
        model = sys.modules[f"{package}.models"].CheckInput
        for value in (1, None, "ada@example.com"):
            model.model_validate({"e": value})
        with pytest.raises(ValueError, match="not an email address"):
            model.model_validate({"e": "nope"})
