"""Resources and resource templates, end to end: the README's spec section generated,
its handlers written, the server run for real on stdio and on loopback HTTP, and read
with the generated typed client in both protocol eras."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from mcp.shared.exceptions import MCPError

from listening import ready, wait_ready

pytestmark = pytest.mark.timeout(180)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACKAGE = "library_server"
ERAS = ["legacy", "2026-07-28"]
NOT_FOUND = {"legacy": -32002, "2026-07-28": -32602}
LOGO = (HERE / "resources_spec" / "logo.png").read_bytes()

HEADER = """\
mcpmint: 1
server: {name: library, version: 0.1.0}
transports: [stdio, http]
tools:
  - name: ping
    description: Answers pong.
    inputSchema: {type: object}
"""

HANDLERS = {
    "read_clock": """\
from __future__ import annotations

from ..context import Context


async def read_clock(ctx: Context) -> str | bytes:
    return b"\\x00tick"
""",
    "read_book": """\
from __future__ import annotations

import json

from ..context import Context
from ..models import BookVariables


async def read_book(args: BookVariables, ctx: Context) -> str | bytes:
    return json.dumps({"id": args.id})  # args.id is an int >= 1
""",
    "read_shelf_file": """\
from __future__ import annotations

from ..context import Context
from ..models import ShelfFileVariables


async def read_shelf_file(args: ShelfFileVariables, ctx: Context) -> str | bytes:
    return f"{args.shelf}:{args.path}"
""",
}


def readme_spec_section() -> str:
    """The YAML block of the README's resources section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Resources and resource templates", 1)[1]
    found = re.search(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    assert found is not None
    return found.group(1)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's spec generated, with the handlers filled in."""
    root = tmp_path_factory.mktemp("resources")
    shutil.copytree(HERE / "resources_spec", root / "resources_spec")
    spec = root / "library.yaml"
    spec.write_text(HEADER + readme_spec_section(), encoding="utf-8")
    out = root / "out"
    result = subprocess.run(
        [sys.executable, "-m", "mcpmint", "generate", str(spec), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for name, text in HANDLERS.items():
        (out / PACKAGE / "handlers" / f"{name}.py").write_text(text, encoding="utf-8")
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    return out


def _env(out: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
    return {**env, "PYTHONPATH": os.pathsep.join([str(out), *sys.path])}


class Http:
    def __init__(self, out: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port: int = sock.getsockname()[1]
        self.log = out / f"http-{self.port}.log"
        argv = [sys.executable, "-m", PACKAGE, "http", "--port", str(self.port)]
        with self.log.open("wb") as err:
            self.proc = subprocess.Popen(
                argv, cwd=out, env=_env(out), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err,
            )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}/mcp"

    def wait_ready(self) -> None:
        wait_ready(self.proc, self.port, self.log.read_text, 30)


@pytest.fixture(scope="module")
def targets(project: Path) -> Iterator[dict[str, str]]:
    """Where the typed client connects: a command line (stdio) and a URL (HTTP)."""
    started: list[Http] = []

    def start() -> Http:
        started.append(Http(project))
        return started[-1]

    http = ready(start(), start)
    try:
        yield {"stdio": f"{sys.executable} -m {PACKAGE} stdio", "http": http.url}
    finally:
        for server in started:
            server.proc.terminate()
            server.proc.wait(timeout=20)


def _session(project: Path, target: str, era: str, body: Any) -> Any:
    from library_server.client import LibraryClient

    async def run() -> Any:
        async with LibraryClient.connect(
            target, mode=era, env=_env(project), timeout=30
        ) as client:
            return await body(client)

    return anyio.run(run)


@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("road", ["stdio", "http"])
def test_every_kind_of_resource_is_listed_and_read(
    project: Path, targets: dict[str, str], road: str, era: str
) -> None:
    async def body(c: Any) -> dict[str, Any]:
        listed = await c.client.list_resources()
        templates = await c.client.list_resource_templates()
        return {
            "uris": [str(r.uri) for r in listed.resources],
            "templates": [t.uri_template for t in templates.resource_templates],
            "welcome": await c.read_resource("library://welcome"),
            "hours": await c.read_resource("library://hours"),
            "logo": await c.read_resource("library://logo"),
            "clock": await c.read_resource("library://clock"),
            "book": await c.read_book(id=3),
            "shelf": await c.read_shelf_file(shelf="science", path="stars/sun"),
            "raw": await c.client.read_resource("library://logo"),
        }

    got = _session(project, targets[road], era, body)
    assert got["uris"] == [
        "library://welcome",
        "library://hours",
        "library://logo",
        "library://clock",
    ]
    assert got["templates"] == [
        "library://books/{id}",
        "library://shelves/{shelf}/{+path}",
    ]
    assert got["welcome"] == "Welcome to the library."
    assert got["hours"] == "Opening hours: 9 to 17.\n"
    assert got["logo"] == LOGO
    assert got["raw"].contents[0].mime_type == "image/png"
    assert got["clock"] == b"\x00tick"
    assert json.loads(got["book"]) == {"id": 3}
    assert got["shelf"] == "science:stars/sun"


BAD_READS = [
    (
        "library://books/abc",
        -32602,
        "Invalid URI for resource template 'book':\n"
        "- id: Input should be a valid integer",
    ),
    (
        "library://books/0",
        -32602,
        "Invalid URI for resource template 'book':\n"
        "- id: Input should be greater than or equal to 1",
    ),
    (
        "library://shelves/poetry/a",
        -32602,
        "Invalid URI for resource template 'shelf-file':\n"
        "- shelf: Input should be 'fiction' or 'science'",
    ),
    (
        "library://shelves/fiction/a/../b",
        -32602,
        "Invalid URI for resource template 'shelf-file':\n"
        "- path: '..', absolute paths and NUL are not allowed",
    ),
    (
        "library://shelves/fiction/%2Fetc%2Fpasswd",
        -32602,
        "Invalid URI for resource template 'shelf-file':\n"
        "- path: '..', absolute paths and NUL are not allowed",
    ),
    (
        "library://shelves/fiction/a%00b",
        -32602,
        "Invalid URI for resource template 'shelf-file':\n"
        "- path: '..', absolute paths and NUL are not allowed",
    ),
]


@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("road", ["stdio", "http"])
def test_bad_reads_are_clear_errors_and_the_server_keeps_serving(
    project: Path, targets: dict[str, str], road: str, era: str
) -> None:
    async def body(c: Any) -> tuple[list[tuple[int, str, Any]], str]:
        errors = []
        uris = ["library://nowhere", *(uri for uri, _, _ in BAD_READS)]
        for uri in uris:
            with pytest.raises(MCPError) as caught:
                await c.read_resource(uri)
            error = caught.value.error
            errors.append((error.code, error.message, error.data))
        return errors, await c.read_resource("library://welcome")

    errors, after = _session(project, targets[road], era, body)
    assert errors[0] == (
        NOT_FOUND[era],
        "Resource not found: library://nowhere",
        {"uri": "library://nowhere"},
    )
    expected = [(code, text, {"uri": uri}) for uri, code, text in BAD_READS]
    assert errors[1:] == expected
    assert after == "Welcome to the library."


def test_a_handler_left_as_a_stub_answers_not_implemented(
    project: Path, tmp_path: Path
) -> None:
    stub = project / PACKAGE / "handlers" / "read_clock.py"
    kept = stub.read_text(encoding="utf-8")
    from library_server.server import Handlers, build_server
    from mcp import Client

    async def not_implemented(ctx: Any) -> str | bytes:
        raise NotImplementedError

    async def run() -> Any:
        server = build_server(Handlers(read_clock=not_implemented))
        async with Client(server, mode="legacy") as client:
            with pytest.raises(MCPError) as caught:
                await client.read_resource("library://clock")
            return caught.value.error

    error = anyio.run(run)
    assert (error.code, error.message) == (-32603, "Not implemented: clock")
    assert stub.read_text(encoding="utf-8") == kept


def test_the_typed_client_refuses_a_bad_variable_before_sending(
    project: Path,
) -> None:
    from library_server.client import LibraryClient
    from pydantic import ValidationError

    async def run() -> None:
        from library_server.server import build_server

        async with LibraryClient.connect(build_server(), mode="legacy") as c:
            with pytest.raises(ValidationError, match="greater than or equal to 1"):
                await c.read_book(id=0)

    anyio.run(run)


def test_regenerating_keeps_the_resource_handlers_and_is_up_to_date(
    project: Path,
) -> None:
    spec = project.parent / "library.yaml"
    check = subprocess.run(
        [sys.executable, "-m", "mcpmint", "check", str(spec), "-o", str(project)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    handler = project / PACKAGE / "handlers" / "read_book.py"
    assert handler.read_text(encoding="utf-8") == HANDLERS["read_book"]


def test_a_template_with_new_variables_is_for_review_and_a_removed_one_orphaned(
    tmp_path: Path,
) -> None:
    from mcpmint import generate

    spec = tmp_path / "shelf.yaml"
    base = HEADER.replace("library", "shelf") + (
        "resourceTemplates:\n"
        "  - uriTemplate: shelf://books/{id}{?large}\n"
        "    name: book\n"
        "    variables:\n"
        "      id: {type: integer}\n"
        "      large: {type: boolean}\n"
    )
    spec.write_text(base, encoding="utf-8")
    out = tmp_path / "out"
    first = generate(spec, out)
    assert "shelf_server/handlers/read_book.py" in first.created
    # Templates without static resources: still ruff-clean; a query variable optional.
    lint = [
        str(BIN / "ruff"),
        "check",
        "--no-cache",
        "--config",
        str(ROOT / "pyproject.toml"),
    ]
    assert subprocess.run([*lint, str(out)], capture_output=True).returncode == 0
    handler = out / "shelf_server" / "handlers" / "read_book.py"
    handler.write_text(SHELF_HANDLER, encoding="utf-8")
    sys.path.insert(0, str(out))
    try:
        from shelf_server.client import ShelfClient
        from shelf_server.server import build_server

        async def run() -> list[str | bytes]:
            async with ShelfClient.connect(build_server(), mode="legacy") as c:
                return [await c.read_book(id=1), await c.read_book(id=2, large=True)]

        assert anyio.run(run) == ["1 False", "2 True"]
    finally:
        sys.path.remove(str(out))
    spec.write_text(base.replace("{type: integer}", "{type: string}"), "utf-8")
    second = generate(spec, out)
    assert second.review == ["shelf_server/handlers/read_book.py (variables changed)"]
    spec.write_text(base.split("resourceTemplates:")[0], encoding="utf-8")
    third = generate(spec, out)
    assert third.orphaned == ["shelf_server/handlers/read_book.py"]
    assert (out / "shelf_server" / "handlers" / "read_book.py").is_file()


BIN = Path(sys.executable).parent
SHELF_HANDLER = """\
from __future__ import annotations

from ..context import Context
from ..models import BookVariables


async def read_book(args: BookVariables, ctx: Context) -> str | bytes:
    return f"{args.id} {getattr(args, 'large', False) is True}"
"""


# A low-level SDK server: one tool, five resources two to a page, two templates.
PAGED_RESOURCES = """import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

RESOURCES = [
    types.Resource(uri=f"paged://r/{i}", name=f"Resource {i}", mime_type="text/plain")
    for i in range(5)
]
TEMPLATES = [
    types.ResourceTemplate(uri_template="paged://t/{a}/{+rest}", name="deep"),
    types.ResourceTemplate(
        uri_template="paged://q{?x,y}", name="query", description="Query."
    ),
]


async def on_list_tools(ctx, params):
    return types.ListToolsResult(
        tools=[types.Tool(name="noop", input_schema={"type": "object"})]
    )


async def on_list_resources(ctx, params):
    start = int(params.cursor) if params is not None and params.cursor else 0
    more = str(start + 2) if start + 2 < len(RESOURCES) else None
    return types.ListResourcesResult(
        resources=RESOURCES[start : start + 2], next_cursor=more
    )


async def on_list_resource_templates(ctx, params):
    return types.ListResourceTemplatesResult(resource_templates=TEMPLATES)


async def main():
    server = Server(
        "paged", version="0.1.0", on_list_tools=on_list_tools,
        on_list_resources=on_list_resources,
        on_list_resource_templates=on_list_resource_templates,
    )
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())

anyio.run(main)
"""


def _lists(target: Any) -> tuple[list[Any], list[Any]]:
    from mcp import Client

    async def read() -> tuple[list[Any], list[Any]]:
        async with Client(target, mode="legacy") as client:
            resources, cursor = [], None
            while True:
                page = await client.list_resources(cursor=cursor)
                resources += [r.model_dump(by_alias=True) for r in page.resources]
                if (cursor := page.next_cursor) is None:
                    break
            templates = await client.list_resource_templates()
            return resources, [
                t.model_dump(by_alias=True) for t in templates.resource_templates
            ]

    return anyio.run(read)


def test_import_reads_every_page_of_resources_and_templates(tmp_path: Path) -> None:
    from mcp.client.stdio import StdioServerParameters

    from mcpmint import generate
    from mcpmint.importer import import_spec

    script = tmp_path / "paged.py"
    script.write_text(PAGED_RESOURCES, encoding="utf-8")
    spec = tmp_path / "paged.yaml"
    report = import_spec(f"{sys.executable} {script}", spec, timeout=60)
    assert report.summary().startswith(
        f"wrote {spec}: 1 tool(s), 5 resource(s), 2 resource template(s) from"
    )
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert data["resources"][0] == {
        "uri": "paged://r/0",
        "name": "Resource 0",
        "mimeType": "text/plain",
        "handler": True,
    }
    assert data["resourceTemplates"][1]["variables"] == {
        "x": {"type": "string"},
        "y": {"type": "string"},
    }

    out = tmp_path / "out"
    generate(spec, out)
    old = _lists(StdioServerParameters(command=sys.executable, args=[str(script)]))
    env = {**os.environ, "PYTHONPATH": str(out)}
    new = _lists(
        StdioServerParameters(
            command=sys.executable, args=["-m", "paged_server", "stdio"], env=env
        )
    )
    assert new == old


def test_an_edited_resource_file_makes_check_stale(tmp_path: Path) -> None:
    from mcpmint import check, generate

    shutil.copytree(HERE / "resources_spec", tmp_path / "resources_spec")
    spec = tmp_path / "library.yaml"
    spec.write_text(HEADER + readme_spec_section(), encoding="utf-8")
    out = tmp_path / "out"
    generate(spec, out)
    assert check(spec, out) == []
    (tmp_path / "resources_spec" / "hours.txt").write_text("Closed.\n", "utf-8")
    stale = check(spec, out)
    assert [p.splitlines()[0] for p in stale] == [
        "stale: library_server/resources.json"
    ]


def test_a_client_only_package_reads_resources_and_templates(
    project: Path, tmp_path: Path
) -> None:
    from mcpmint import generate
    from mcpmint.pipeline import ClientOnly

    spec = project.parent / "library.yaml"
    generate(spec, tmp_path / "client", ClientOnly())
    sys.path.insert(0, str(tmp_path / "client"))
    try:
        from library_client.client import LibraryClient
        from library_server.server import build_server

        async def run() -> tuple[Any, Any]:
            async with LibraryClient.connect(build_server(), mode="legacy") as c:
                return await c.read_book(id=5), await c.read_resource("library://logo")

        book, logo = anyio.run(run)
    finally:
        sys.path.remove(str(tmp_path / "client"))
    assert json.loads(book) == {"id": 5}
    assert logo == LOGO
