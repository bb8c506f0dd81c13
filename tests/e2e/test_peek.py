"""`python -m <package> prompt NAME '{json}'` and `read URI`: a prompt or a resource
in process, printed as a client sees it (mcpmint_runtime/peek.py).

Run against the committed example projects (notes: real handlers; conformance: a
binary resource), as a user runs them: a subprocess in the project's folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(example: str, *args: str) -> subprocess.CompletedProcess[str]:
    project = ROOT / "generated_examples" / example
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(project), *sys.path])}
    return subprocess.run(
        [sys.executable, "-m", f"{example}_server", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_prompt_prints_each_message_with_its_role() -> None:
    done = run("notes", "prompt", "summarize-note", '{"id": "1"}')
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout == (
        "user:\nSummarize note 1 in three bullet points.\n\n"
        'user:\n{"name":"note","uri":"notes://1","type":"resource_link"}\n'
    )


def test_read_prints_text_as_is() -> None:
    done = run("notes", "read", "notes://1")
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.startswith("# Release checklist\n")
    assert not done.stdout.endswith("\n\n")


def test_read_prints_a_blob_as_base64() -> None:
    done = run("conformance", "read", "test://static-binary")
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.startswith("iVBORw0KGgo")  # a PNG's signature, base64


@pytest.mark.parametrize(
    ("example", "args", "status", "line"),
    [
        (
            "notes",
            ["prompt", "nope"],
            2,
            "python -m notes_server prompt: unknown prompt 'nope'"
            " (prompts: summarize-note, release-notes)",
        ),
        (
            "notes",
            ["prompt", "release-notes", '{"version": "2.0", "audience": "x"}'],
            1,
            "python -m notes_server prompt: Invalid arguments for prompt"
            " 'release-notes': - audience: Input should be 'users' or 'developers'",
        ),
        (
            "notes",
            ["prompt", "summarize-note", '{"id": 1}'],
            2,
            "python -m notes_server prompt: prompt arguments are strings on the"
            ' wire: id is int (write "1")',
        ),
        (
            "notes",
            ["prompt", "summarize-note", "[1]"],
            2,
            "python -m notes_server prompt: the arguments must be a JSON object,"
            " not list",
        ),
        (
            "notes",
            ["read", "notes://zz"],
            1,
            "python -m notes_server read: Invalid URI for resource template 'note':"
            " - id: Input should be a valid integer",
        ),
        (
            "conformance",
            ["read", "test://nope"],
            1,
            "python -m conformance_server read: Resource not found: test://nope",
        ),
        ("notes", ["read"], 2, "usage: python -m notes_server read URI"),
        (
            "conformance",
            ["call", "test_input_required_result_elicitation"],
            1,
            "python -m conformance_server call: The client did not declare the"
            " elicitation capability tool 'test_input_required_result_elicitation'"
            " needs (`call` answers no input requests: use a client with callbacks)",
        ),
    ],
)
def test_mistakes_and_refusals_are_one_line(
    example: str, args: list[str], status: int, line: str
) -> None:
    done = run(example, *args)
    assert (done.returncode, done.stderr, done.stdout) == (status, line + "\n", "")


def test_help_lists_prompt_and_read() -> None:
    done = run("notes", "--help")
    assert "prompt    get one prompt in process and print its messages" in done.stdout
    assert "read      read one resource in process and print its contents" in (
        done.stdout
    )
