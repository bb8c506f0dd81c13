"""A server of prompts and resources without tools: generated, its own generated tests
fail while its handlers are stubs and pass once they are written; it lists no tools
(no `tools` capability) and its typed client reads, gets and completes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcpmint import check, generate
from mcpmint.pipeline import SpecError, load_and_validate
from mcpmint.spec.diagnostics import format_diagnostics

pytestmark = pytest.mark.timeout(120)

SPEC = Path(__file__).resolve().parent / "toolless_spec" / "docs.yaml"
HANDLERS = {
    "read_live": """from ..context import Context


async def read_live(ctx: Context) -> str | bytes:
    return "live"
""",
    "read_page": """from ..context import Context
from ..models import PageVariables


async def read_page(args: PageVariables, ctx: Context) -> str | bytes:
    return f"page {args.n}"
""",
    "prompt_greet": """from mcp_types import PromptMessage

from ..context import Context
from ..models import PromptGreetArguments


async def prompt_greet(args: PromptGreetArguments, ctx: Context) -> str:
    return f"Hello {args.who}"
""",
    "complete_greet": """from ..context import Context


async def complete_greet(
    argument: str, value: str, arguments: dict[str, str], ctx: Context
) -> list[str]:
    return [n for n in ("Ada", "Alan") if n.startswith(value)]
""",
}


def own_tests(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project, env=env, capture_output=True, text=True, timeout=100,
    )  # fmt: skip


def test_a_server_without_tools_passes_its_own_tests_once_written(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "docs.yaml"
    shutil.copy(SPEC, spec)
    out = tmp_path / "out"
    generate(spec, out)
    assert check(spec, out) == []
    stubbed = own_tests(out)
    assert stubbed.returncode == 1, stubbed.stdout
    for module in HANDLERS:  # each stub is named, in process and over stdio
        line = f"handler {module} is not implemented yet: edit docs_server/handlers/"
        assert stubbed.stdout.count(line + f"{module}.py") >= 2, stubbed.stdout
    for module, text in HANDLERS.items():
        (out / "docs_server" / "handlers" / f"{module}.py").write_text(text, "utf-8")
    written = own_tests(out)
    assert written.returncode == 0, written.stdout + written.stderr
    assert " passed" in written.stdout and "skipped" not in written.stdout

    sys.path.insert(0, str(out))
    try:
        from docs_server.client import DocsClient
        from docs_server.server import build_server

        async def use() -> tuple[Any, ...]:
            async with DocsClient.connect(build_server()) as client:
                caps = client.client.server_capabilities
                greeting = await client.prompt_greet(who="Ada")
                return (
                    caps.tools is None and caps.prompts is not None,
                    await client.read_page(n=2),
                    await client.read_resource("docs://readme"),
                    [getattr(m.content, "text", None) for m in greeting],
                    await client.complete_greet("who", "Al"),
                )

        assert anyio.run(use) == (True, "page 2", "Hello.", ["Hello Ada"], ["Alan"])
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.startswith("docs_server")]:
            del sys.modules[name]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("tools: []\n", "3:1: error: tools"),
        ("", "1:1: error: (root)"),
    ],
    ids=["empty tools", "no sections"],
)
def test_a_server_serving_nothing_is_refused_located(
    tmp_path: Path, text: str, where: str
) -> None:
    spec = tmp_path / "empty.yaml"
    spec.write_text("mcpmint: 1\nserver: {name: x, version: 0.1.0}\n" + text, "utf-8")
    with pytest.raises(SpecError) as caught:
        load_and_validate(spec)
    assert format_diagnostics(caught.value.diagnostics) == (
        f"{spec}:{where}: the server serves nothing: no tools, prompts, resources"
        " or resource templates\n"
        "  hint: declare at least one tool, prompt, resource or resource template\n"
        "1 error, 0 warnings"
    )
    generate_out = tmp_path / "out"
    with pytest.raises(SpecError):
        generate(spec, generate_out)
    assert not generate_out.exists()


# A low-level SDK server with one prompt and nothing else, and one with nothing at all.
PROMPT_ONLY = """import sys
import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server


async def on_list_prompts(ctx, params):
    return types.ListPromptsResult(prompts=[types.Prompt(name="hello")])


async def on_get_prompt(ctx, params):
    return types.GetPromptResult(messages=[types.PromptMessage(
        role="user", content=types.TextContent(type="text", text="Hello."))])


async def main():
    handlers = {} if sys.argv[1:] == ["empty"] else {
        "on_list_prompts": on_list_prompts, "on_get_prompt": on_get_prompt}
    server = Server("only-prompts", version="1.0.0", **handlers)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())

anyio.run(main)
"""


def test_import_of_a_server_without_tools_writes_a_spec_without_tools(
    tmp_path: Path,
) -> None:
    from mcpmint.importer import ImportFailed, import_spec

    script = tmp_path / "prompts_only.py"
    script.write_text(PROMPT_ONLY, encoding="utf-8")
    spec = tmp_path / "imported.yaml"
    report = import_spec(f"{sys.executable} {script}", spec, timeout=60)
    assert report.summary().startswith(f"wrote {spec}: 0 tool(s), 1 prompt(s) from")
    text = spec.read_text(encoding="utf-8")
    assert "\ntools:" not in text
    assert text.endswith("prompts:\n- {name: hello, handler: true}\n")
    load_and_validate(spec)

    with pytest.raises(ImportFailed) as caught:
        import_spec(f"{sys.executable} {script} empty", tmp_path / "e.yaml", timeout=60)
    assert str(caught.value) == (
        f"{sys.executable} {script} empty serves no tools, prompts or resources"
    )
    assert not (tmp_path / "e.yaml").exists()
