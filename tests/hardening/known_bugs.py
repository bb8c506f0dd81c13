"""Bugs the hardening tests found and that are not fixed yet: expected to fail, strictly.

Each entry is a test id (a prefix matches every parameter) and the bug it shows, numbered as
in docs/reliability.md. `xfail(strict=True)`: when a fix lands, the test passes, the run fails,
and the entry must go. Nothing here is skipped: every test still runs.
"""

from __future__ import annotations

KNOWN: dict[str, str] = {
    "test_client_cycles.py::test_memory_stays_bounded_over_connect_disconnect_cycles[http-abandoned]": (
        "bug 16: abandoned stateful HTTP sessions live for the SDK's 30-minute idle timeout; "
        "no --session-idle-timeout/--max-sessions option yet"
    ),
    "test_hostile_http.py::test_http_duplicate_request_ids_are_each_answered": (
        "bug 23 (SDK): two concurrent POSTs with one id in a session: one is never answered"
    ),
    "test_hostile_http.py::test_http_messages_that_are_not_json_rpc_get_invalid_request": (
        "bug 21/22 (SDK): non-JSON-RPC POSTs get -32602 with a pydantic dump, object/boolean ids "
        "are taken for notifications"
    ),
    "test_hostile_stdio.py::test_stdio_malformed_lines_get_a_parse_error": (
        "bug 20 (SDK session): a malformed line on stdio gets no -32700 answer"
    ),
    "test_hostile_stdio.py::test_stdio_messages_that_are_not_json_rpc_get_invalid_request": (
        "bug 20/22 (SDK session): non-JSON-RPC lines on stdio get no -32600 answer"
    ),
    "test_hostile_websocket.py::test_websocket_messages_that_are_not_json_rpc_get_invalid_request[boolean-id]": (
        "bug 22 (SDK): boolean ids are taken for notifications and never answered"
    ),
    "test_hostile_websocket.py::test_websocket_messages_that_are_not_json_rpc_get_invalid_request[object-id]": (
        "bug 22 (SDK): object ids are taken for notifications and never answered"
    ),
    "test_injection.py::test_a_raw_next_line_character_in_a_json_spec_is_kept": (
        "bug 13: YAML turns a raw U+0085 inside a JSON string into a space"
    ),
    "test_injection.py::test_the_generated_project_passes_mypy_strict_and_imports": (
        "bug 19: property names like Any, Field, str shadow names the typed client imports"
    ),
    "test_injection.py::test_the_typed_client_imports_when_a_property_is_named_like_one_of_its_imports[MISSING]": (
        "bug 19: a property named MISSING breaks the typed client's imports"
    ),
    "test_injection.py::test_the_typed_client_imports_when_a_property_is_named_like_one_of_its_imports[StrictStr]": (
        "bug 19: a property named StrictStr breaks the typed client's imports"
    ),
    "test_injection.py::test_unknown_annotation_hints_are_served_as_the_readme_promises": (
        "bug 17: mcp_types.ToolAnnotations drops unknown hints"
    ),
    "test_spec_edge_cases.py::test_a_control_character_is_reported_at_its_line_and_column": (
        "bug 12: a raw DEL character is reported at 1:1"
    ),
    "test_spec_edge_cases.py::test_a_json_spec_written_with_ascii_escapes_loads": (
        "bug 13: JSON surrogate-pair escapes (an emoji written as \\ud83d\\ude00) are refused"
    ),
    "test_spec_edge_cases.py::test_a_length_bound_beyond_64_bits_is_refused_or_its_models_import": (
        "bug 10: minLength beyond 64 bits builds a models.py that fails at import"
    ),
    "test_spec_edge_cases.py::test_line_numbers_count_newlines_only": (
        "bug 12: after a raw U+2028, U+2029 or U+0085 line numbers are one too high"
    ),
}


def reason_for(nodeid: str) -> str | None:
    """The known bug a test id shows, if any."""
    short = nodeid.split("tests/hardening/", 1)[-1]
    for prefix, reason in KNOWN.items():
        if short.startswith(prefix):
            return reason
    return None
