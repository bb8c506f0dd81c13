"""`python -m <package> prompt NAME '{json}'` and `read URI`: one prompt or one
resource, in process, printed as a client would see it.

Like `call`, they go through the MCP client on an in-memory connection, so what
they print is what a host gets: the prompt's messages or the resource's contents.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

USAGE_ERROR = 2  # exit status of a usage mistake or an unknown prompt
REFUSED = 1  # exit status when the server answers with a JSON-RPC error

PROMPT_HELP = """

Get one prompt in process (no transport) and print its messages, one block per
message: the role, then the text (other content as JSON).

positional arguments:
  NAME        the prompt's name, as in the spec
  JSON        its arguments, a JSON object of strings (default: {})

exit status: 0 on success, 1 when the server refuses (bad arguments), 2 on a
usage mistake or an unknown prompt"""

READ_HELP = """

Read one resource in process (no transport) and print its contents: text as
is, a binary blob as base64.

positional arguments:
  URI         a resource's URI, or one a resource template matches

exit status: 0 on success, 1 when the server refuses (not found, a bad
variable), 2 on a usage mistake"""


def prompt_command(server: Server[Any], name: str, args: list[str]) -> int:
    """`prompt NAME ['{JSON}']`: print the prompt's messages; the exit status."""
    prog = f"python -m {name} prompt"
    usage = f"usage: {prog} NAME ['{{JSON arguments}}']"
    if args[:1] in (["-h"], ["--help"]):
        print(usage + PROMPT_HELP)
        return 0
    if len(args) not in (1, 2) or args[0].startswith("-"):
        print(usage, file=sys.stderr)
        return USAGE_ERROR
    arguments = json_object(args[1] if len(args) == 2 else "{}", prog)
    if arguments is None:
        return USAGE_ERROR
    for key, value in arguments.items():
        if not isinstance(value, str):
            kind = type(value).__name__
            print(
                f"{prog}: prompt arguments are strings on the wire:"
                f" {key} is {kind} (write {json.dumps(json.dumps(value))})",
                file=sys.stderr,
            )
            return USAGE_ERROR
    return _run(server, _get_prompt, prog, args[0], arguments)


def read_command(server: Server[Any], name: str, args: list[str]) -> int:
    """`read URI`: print the resource's contents; the exit status."""
    prog = f"python -m {name} read"
    usage = f"usage: {prog} URI"
    if args[:1] in (["-h"], ["--help"]):
        print(usage + READ_HELP)
        return 0
    if len(args) != 1 or args[0].startswith("-"):
        print(usage, file=sys.stderr)
        return USAGE_ERROR
    return _run(server, _read, prog, args[0], {})


def json_object(text: str, prog: str) -> dict[str, Any] | None:
    """`text` as a JSON object, or None after one line on stderr (`call` too)."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        print(f"{prog}: the arguments are not JSON: {exc}", file=sys.stderr)
        return None
    if not isinstance(value, dict):
        kind = type(value).__name__
        print(
            f"{prog}: the arguments must be a JSON object, not {kind}", file=sys.stderr
        )
        return None
    return value


def _run(server: Server[Any], how: Any, prog: str, target: str, args: Any) -> int:
    import anyio
    from mcp import Client
    from mcp.shared.exceptions import MCPError

    async def ask() -> int:
        async with Client(server) as client:
            try:
                result: int = await how(client, prog, target, args)
            except MCPError as exc:
                message = str(exc).replace("\n", " ")
                print(f"{prog}: {message}", file=sys.stderr)
                return REFUSED
            return result

    outcome: int = anyio.run(ask)
    return outcome


async def _get_prompt(client: Any, prog: str, name: str, arguments: Any) -> int:
    prompts = await _every_prompt(client)
    if name not in prompts:
        known = ", ".join(prompts) or "none"
        print(f"{prog}: unknown prompt {name!r} (prompts: {known})", file=sys.stderr)
        return USAGE_ERROR
    result = await client.get_prompt(name, arguments)
    blocks = []
    for message in result.messages:
        content = message.content
        text = getattr(content, "text", None)
        if text is None:
            text = content.model_dump_json(by_alias=True, exclude_none=True)
        blocks.append(f"{message.role}:\n{text}")
    print("\n\n".join(blocks))
    return 0


async def _every_prompt(client: Any) -> list[str]:
    names: list[str] = []
    cursor = None
    while True:
        page = await client.list_prompts(cursor=cursor)
        names += [p.name for p in page.prompts]
        cursor = page.next_cursor
        if not cursor:
            return names


async def _read(client: Any, prog: str, uri: str, _: Any) -> int:
    result = await client.read_resource(uri)
    for contents in result.contents:
        text = getattr(contents, "text", None)
        if text is None:
            print(contents.blob)
        else:
            print(text, end="" if text.endswith("\n") else "\n")
    return 0
