"""Hostile specs found by the fuzzer and by hand, each reduced to its smallest form.

Each must build into code that works, or be refused with a located diagnostic; never
another exception, a crash, or minutes of work.
"""

from __future__ import annotations

import http.server
import json
import resource
import subprocess
import sys
import textwrap
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from generated_support import compile_errors, generated_package, refusal, write_spec
from mcp import Client

from mcpmint import SpecError, build

pytestmark = pytest.mark.usefixtures("format_cache")


def spec_with(properties: dict[str, Any], **tool: Any) -> dict[str, Any]:
    """A one-tool spec whose input has `properties`."""
    return {
        "mcpmint": 1,
        "server": {"name": "edge", "version": "1.0.0", "package": "edge_server"},
        "tools": [
            {
                "name": "probe",
                "description": "Probe.",
                "inputSchema": {"type": "object", "properties": properties},
                **tool,
            }
        ],
    }


def test_deep_flow_nesting_is_refused_without_crashing_the_process(
    tmp_path: Path,
) -> None:
    # 50,000 nested `[` (100 kB) overflow the C stack of libyaml's composer: SIGSEGV.
    spec = write_spec(tmp_path, "mcpmint: 1\nx: " + "[" * 50_000 + "]" * 50_000 + "\n")
    code = textwrap.dedent(f"""
        from pathlib import Path
        from mcpmint import SpecError, build
        try:
            build(Path({str(spec)!r}), Path({str(tmp_path / "out")!r}))
        except SpecError as error:
            print(error.diagnostics[0].format())
        """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, (
        f"exit status {result.returncode}: {result.stderr[-2000:]}"
    )
    assert f"{spec}:2:" in result.stdout


SCALARS = {
    "5000-digits": "9" * 5000,  # int() refuses more than 4300 digits: ValueError
    "hex-underscore": "0x_",  # resolved as an int, int("", 16): ValueError
    "binary-underscore": "0b_",
    "empty-int": "!!int ''",  # IndexError
    "empty-float": "!!float ''",
    "int-tag": "!!int ten",
    "bool-tag": "!!bool maybe",  # KeyError
}


@pytest.mark.parametrize("scalar", list(SCALARS.values()), ids=list(SCALARS))
def test_scalars_yaml_cannot_construct_are_refused_at_their_line(
    tmp_path: Path, scalar: str
) -> None:
    text = (
        "mcpmint: 1\nserver: {name: edge, version: '1'}\ntools:\n  - name: probe\n"
        "    description: d\n    inputSchema:\n      type: object\n"
        f"      properties: {{n: {{type: integer, maximum: {scalar}}}}}\n"
    )
    error = refusal(write_spec(tmp_path, text))
    assert [d.line for d in error.diagnostics] == [8], str(error)


def test_a_ref_with_a_nul_character_is_refused_at_its_line(tmp_path: Path) -> None:
    # refs.py resolves it as a path: ValueError "embedded null byte".
    text = (
        "mcpmint: 1\nserver: {name: edge, version: '1'}\ntools:\n  - name: probe\n"
        "    description: d\n"
        '    inputSchema: {type: object, properties: {x: {$ref: "a\\0b.yaml#/X"}}}\n'
    )
    error = refusal(write_spec(tmp_path, text))
    assert [d.line for d in error.diagnostics] == [6], str(error)


def test_a_ref_cycle_between_shared_definitions_is_refused_with_a_located_diagnostic(
    tmp_path: Path,
) -> None:
    spec = spec_with({"x": {"$ref": "#/$defs/A"}})
    spec["$defs"] = {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}
    error = refusal(write_spec(tmp_path, spec))
    assert any("$defs" in d.path for d in error.diagnostics), str(error)


@pytest.mark.parametrize(
    "ref",
    ["missing.yaml#/$defs/U", "../../outside.yaml#/$defs/U"],
    ids=["missing-file", "outside-root"],
)
def test_a_refused_external_ref_is_reported_even_when_the_tool_has_examples(
    tmp_path: Path, ref: str
) -> None:
    # Without examples these are located diagnostics; with examples, jsonschema raised
    # _WrappedReferencingError while checking the examples against the unresolved ref.
    (tmp_path / "outside.yaml").write_text("$defs: {U: {type: integer}}\n")
    spec = spec_with({"u": {"$ref": ref}}, examples=[{"arguments": {"u": 1}}])
    error = refusal(write_spec(tmp_path / "a" / "b", spec))
    assert any(d.path.endswith("$ref") for d in error.diagnostics), str(error)


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.hits.append(self.path)
        body = json.dumps({"$defs": {"U": {"type": "integer"}}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def schema_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that serves a schema and records every request."""
    _Recorder.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.hits
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_a_url_ref_is_refused_without_fetching_it(
    tmp_path: Path, schema_server: tuple[str, list[str]]
) -> None:
    # With examples, validate.py checked them with a jsonschema validator that still
    # retrieves remote refs by itself (deprecated, with a DeprecationWarning): the
    # "refused" URL was fetched. A spec from anywhere could make mcpmint send requests
    # to any host, cloud metadata endpoints included.
    base, hits = schema_server
    spec = spec_with(
        {"u": {"$ref": f"{base}/schema.json#/$defs/U"}},
        examples=[{"arguments": {"u": 1}}],
    )
    path = write_spec(tmp_path, spec)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", DeprecationWarning
        )  # judge by the requests made
        try:
            build(path, tmp_path / "out")
        except SpecError as error:
            assert any(d.path.endswith("$ref") for d in error.diagnostics), str(error)
    assert hits == [], f"mcpmint fetched {hits} from {base}"


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "string", "maxLength": [100]},
        {"type": "string", "maxLength": None},
        {"type": [None]},
        {"type": "string", "minLength": {"a": 1}},
        {"$ref": "#/$defs/Nowhere"},
    ],
    ids=["list-bound", "null-bound", "null-type", "dict-bound", "dangling-ref"],
)
def test_examples_are_not_checked_against_shared_definitions_that_are_invalid(
    tmp_path: Path, bad: Any
) -> None:
    # The invalid definition is reported; checking the example against it crashed
    # (TypeError, AttributeError, UnknownType, _WrappedReferencingError).
    spec = spec_with(
        {"city": {"$ref": "#/$defs/City"}}, examples=[{"arguments": {"city": "Paris"}}]
    )
    spec["$defs"] = {"City": bad}
    error = refusal(write_spec(tmp_path, spec))
    assert any(d.path.startswith("$defs.City") for d in error.diagnostics), str(error)


def test_a_string_default_longer_than_a_line_builds(tmp_path: Path) -> None:
    # models.py's _split_strings asserted that a long default stays one Constant.
    spec = spec_with(
        {"url": {"type": "string", "default": "https://example.com/" + "a" * 80}}
    )
    result = build(write_spec(tmp_path, spec), tmp_path / "out")
    assert compile_errors(result) == []


@pytest.mark.parametrize(
    "description",
    ['Search for "a term"', 'Ends with a quote"', "Ends with a backslash\\"],
)
def test_a_description_ending_in_a_quote_or_backslash_builds_code_that_compiles(
    tmp_path: Path, description: str
) -> None:
    # `"""{{ description | docstring }}"""`: a final `"` makes four quotes in a row.
    spec = spec_with({"q": {"type": "string"}})
    spec["tools"][0]["description"] = description
    result = build(write_spec(tmp_path, spec), tmp_path / "out")
    assert compile_errors(result) == []


@pytest.mark.parametrize("where", ["server-title", "tool-description"])
def test_escapes_in_wrapped_docstrings_are_never_cut_in_half(
    tmp_path: Path, where: str
) -> None:
    # docstring() writes a tab as \u0009 and then wraps at 80 columns, right through it.
    spec = spec_with({"q": {"type": "string"}})
    text = "a" * 75 + "\t" + "b" * 10
    if where == "server-title":
        spec["server"]["title"] = text
    else:
        spec["tools"][0]["description"] = "word " * 14 + text
    result = build(write_spec(tmp_path, spec), tmp_path / "out")
    assert compile_errors(result) == []


def test_a_length_bound_beyond_64_bits_is_refused_or_its_models_import(
    tmp_path: Path,
) -> None:
    # The generated Field(min_length=99999999999999999999) fails at import:
    # OverflowError.
    spec_path = write_spec(
        tmp_path, spec_with({"s": {"type": "string", "minLength": 10**20}})
    )
    try:
        build(spec_path, tmp_path / "out")
    except SpecError:
        return
    with generated_package(spec_path, tmp_path / "out") as server:
        assert server.TOOLS


BOUNDS = {
    "minLength": "string",
    "maxLength": "string",
    "minItems": "array",
    "maxItems": "array",
    "minProperties": "object",
    "maxProperties": "object",
    "minContains": "array",
    "maxContains": "array",
}


@pytest.mark.parametrize("keyword", list(BOUNDS))
@pytest.mark.parametrize(
    "value", [2**63, 10**20, 1.0e30], ids=["2**63", "1e20", "float"]
)
def test_every_length_and_count_bound_beyond_64_bits_is_refused_at_its_keyword(
    tmp_path: Path, keyword: str, value: float
) -> None:
    # minLength, maxLength, minItems and maxItems past 2**64-1 made models.py fail at
    # import (OverflowError); the others are refused alike: no value is ever that large.
    kind, number = BOUNDS[keyword], repr(value).replace("1e+30", "1.0e+30")
    text = (
        "mcpmint: 1\nserver: {name: edge, version: '1'}\ntools:\n  - name: probe\n"
        "    description: d\n    inputSchema:\n      type: object\n      properties:\n"
        f"        x: {{type: {kind}, contains: {{}}, {keyword}: {number}}}\n"
    )
    error = refusal(write_spec(tmp_path, text))
    found = [(d.line, d.column, d.path) for d in error.diagnostics]
    path = f"tools[0].inputSchema.properties.x.{keyword}"
    assert found == [(9, 35 + len(kind), path)], str(error)
    assert "2**63-1" in error.diagnostics[0].message


def test_a_bound_in_data_or_named_like_a_keyword_is_not_a_bound(tmp_path: Path) -> None:
    # Only schema keywords are bounds: not a property called minLength, not examples.
    huge = 10**20
    spec = spec_with(
        {
            "minLength": {"type": "object", "examples": [{"maxLength": huge}]},
            "q": {"type": "object", "default": {"minItems": huge}},
        }
    )
    build(write_spec(tmp_path, spec), tmp_path / "out")


def test_the_largest_accepted_bound_builds_models_that_import(tmp_path: Path) -> None:
    spec = spec_with(
        {
            "s": {"type": "string", "maxLength": 2**63 - 1},
            "a": {"type": "array", "minItems": 0, "maxItems": 2**63 - 1},
        }
    )
    spec_path = write_spec(tmp_path, spec)
    with generated_package(spec_path, tmp_path / "out") as server:
        assert server.TOOLS


@pytest.mark.parametrize(
    "pattern", ["(?<", "^\\p{L}+$"], ids=["invalid", "unicode-class"]
)
def test_a_pattern_python_cannot_compile_is_refused_or_checked_without_an_internal_error(
    tmp_path: Path, pattern: str
) -> None:
    # Both passed validation, then every call of the tool was JSON-RPC "Internal server
    # error": jsonschema's re.error escaped the dispatcher.
    spec_path = write_spec(
        tmp_path, spec_with({"s": {"type": "string", "pattern": pattern}})
    )
    try:
        build(spec_path, tmp_path / "out")
    except SpecError as error:
        assert any("pattern" in d.path for d in error.diagnostics), str(error)
        return
    with generated_package(spec_path, tmp_path / "out") as server:

        async def main() -> None:
            async with Client(server.build_server()) as client:
                result = await client.call_tool("probe", {"s": "abc"})
                assert (
                    result.content
                )  # a tool result (a stub's error is fine), not an MCPError

        anyio.run(main)


def test_a_control_character_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        "mcpmint: 1\nserver: {name: edge, version: '1'}\ntools:\n  - name: probe\n"
        "    description: a\x7fb\n",
    )
    error = refusal(spec)
    assert [(d.line, d.column) for d in error.diagnostics] == [(5, 19)], str(error)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_line_numbers_count_newlines_only(tmp_path: Path, separator: str) -> None:
    # YAML 1.1 counts U+2028, U+2029 and U+0085 as line breaks; editors and JSON do not.
    text = (
        'mcpmint: 1\nserver: {name: edge, version: "1"}\ntools:\n'
        f'  - {{"name": "probe", "description": "one{separator}two", '
        '"inputSchema": {"type": "object"}}\n'
        "  - {name: bad name, inputSchema: {type: object}}\n"
    )
    error = refusal(write_spec(tmp_path, text))
    assert {d.line for d in error.diagnostics if "bad name" in d.message} == {5}, str(
        error
    )


def test_a_json_spec_written_with_ascii_escapes_loads(tmp_path: Path) -> None:
    # json.dumps' default writes 😀 as "\ud83d\ude00", which YAML calls an invalid
    # escape.
    spec = spec_with({"q": {"type": "string", "description": "weather 😀"}})
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    result = build(path, tmp_path / "out")
    tools = json.loads(
        next(f.text for p, f in result.files.items() if p.name == "tools.json")
    )["tools"]
    assert tools[0]["inputSchema"]["properties"]["q"]["description"] == "weather 😀"


def test_a_tool_pasted_as_json_with_ascii_escapes_into_a_yaml_spec_builds(
    tmp_path: Path,
) -> None:
    # The README: a tool copied from a tools/list answer is a valid entry. Python's
    # json.dumps writes 😀 as "\ud83d\ude00", which libyaml refused.
    tool = spec_with({"q": {"type": "string", "description": "weather 😀"}})["tools"][0]
    text = (
        "mcpmint: 1\nserver: {name: edge, version: '1', package: edge_server}\n"
        f"tools:\n  - {json.dumps(tool)}\n  - {{name: bad name, inputSchema: {{}}}}\n"
    )
    assert "\\ud83d\\ude00" in text
    error = refusal(write_spec(tmp_path, text))
    errors = [(d.line, d.path) for d in error.diagnostics if d.level == "error"]
    assert errors == [(5, "tools[1].name"), (5, "tools[1].inputSchema")], str(error)
    result = build(write_spec(tmp_path, text.rsplit("  - {name", 1)[0]), tmp_path / "o")
    tools = json.loads(
        next(f.text for p, f in result.files.items() if p.name == "tools.json")
    )["tools"]
    assert tools[0]["inputSchema"]["properties"]["q"]["description"] == "weather 😀"


def test_a_json_spec_keeps_long_keys_and_raw_separators_in_keys(
    tmp_path: Path,
) -> None:
    # YAML refused a key over 1,024 characters and a raw U+2028 in a key; JSON has
    # neither limit.
    long_key = "k" * 2000
    spec = spec_with(
        {
            long_key: {"type": "string"},
            "line\u2028separator": {"type": "string", "description": "one\x85two"},
        }
    )
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    with generated_package(spec_path, tmp_path / "out") as server:
        assert server.TOOLS
    tools = json.loads(next((tmp_path / "out").glob("*/tools.json")).read_text())
    properties = tools["tools"][0]["inputSchema"]["properties"]
    assert list(properties) == [long_key, "line\u2028separator"]
    assert properties["line\u2028separator"]["description"] == "one\x85two"


def test_a_json_spec_is_refused_with_every_problem_located(tmp_path: Path) -> None:
    text = (
        '{\n  "mcpmint": 1,\n'
        '  "server": {"name": "edge", "version": "1", "name": "x"},\n'
        '  "tools": [{"name": "probe", "description": "lone \\ud83d",\n'
        '    "inputSchema": {"type": "object", "maxProperties": 1e999}}]\n}\n'
    )
    path = tmp_path / "spec.json"
    path.write_text(text, encoding="utf-8")
    error = refusal(path)
    assert [(d.line, d.column, d.path) for d in error.diagnostics] == [
        (3, 46, "server.name"),
        (4, 46, "tools[0].description"),
        (5, 56, "tools[0].inputSchema.maxProperties"),
    ], str(error)


def test_a_json_spec_nested_50000_deep_is_refused_in_process(tmp_path: Path) -> None:
    # JSON is read by mcpmint's own parser, which stops at the depth cap: no recursion
    # past it, no libyaml.
    path = tmp_path / "spec.json"
    path.write_text("[" * 50_000 + "]" * 50_000)
    error = refusal(path)
    assert [(d.line, d.column) for d in error.diagnostics] == [(1, 65)], str(error)


def test_a_character_yaml_refuses_after_wide_characters_is_located(
    tmp_path: Path,
) -> None:
    # libyaml reports a UTF-8 byte offset: é and 😀 would push the column right.
    text = "mcpmint: 1\nserver: {name: édge😀, version: '1', title: \"a\x1bb\"}\n"
    error = refusal(write_spec(tmp_path, text))
    assert [(d.line, d.column) for d in error.diagnostics] == [(2, 46)], str(error)
    assert "U+001B" in error.diagnostics[0].message


def test_a_one_megabyte_description_builds_within_five_cpu_seconds(
    tmp_path: Path,
) -> None:
    # ~2.3 s of CPU measured for 1 MB (2 MB: ~5.4 s, 5 MB: ~35 s: textwrap's long-word
    # splitting grows faster than the text).
    spec = spec_with({"q": {"type": "string"}})
    spec["tools"][0]["description"] = "a" * 1_000_000
    path = write_spec(tmp_path, spec)
    before = _cpu()
    try:
        build(path, tmp_path / "out")
    except SpecError:
        pass
    assert _cpu() - before <= 5.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(
        resource.RUSAGE_CHILDREN
    )  # black may format in a fork
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
