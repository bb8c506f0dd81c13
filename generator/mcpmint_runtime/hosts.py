"""`python -m <package> config HOST`: the JSON a desktop host needs to start the
server.

Desktop hosts (Claude Desktop, VS Code, Cursor) start servers from any working
directory (often `/`) with few environment variables. The printed entry uses this
interpreter's absolute path, `-m <package> stdio`, and an `env` block with the
settings: values from the current environment or their defaults (paths made
absolute), secrets and unset required settings as `<NAME>` placeholders.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .settings import Setting

__all__ = ["HOSTS", "config_command", "host_config", "settings_env"]

# host → (top-level key, extra keys of a server entry)
HOSTS: dict[str, tuple[str, dict[str, str]]] = {
    "claude-desktop": ("mcpServers", {}),
    "cursor": ("mcpServers", {}),
    "vscode": ("servers", {"type": "stdio"}),
}
_WHERE = {
    "claude-desktop": "claude_desktop_config.json (Settings > Developer > Edit Config)",
    "cursor": "~/.cursor/mcp.json, or .cursor/mcp.json in a project",
    "vscode": ".vscode/mcp.json in a workspace",
}


def settings_env(
    table: Sequence[Setting], environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The `env` block: every setting with a value or a placeholder to fill in."""
    env = os.environ if environ is None else environ
    out: dict[str, str] = {}
    for s in table:
        value: Any = env.get(s.name) or s.default
        if s.secret or (value is None and s.required):
            out[s.name] = f"<{s.name}>"
        elif value is None:
            continue
        elif s.type == "path":
            out[s.name] = str(Path(str(value)).expanduser().absolute())
        elif isinstance(value, bool):
            out[s.name] = "true" if value else "false"
        else:
            out[s.name] = str(value)
    return out


def host_config(
    host: str,
    *,
    name: str,
    package: str,
    table: Sequence[Setting],
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The host's configuration object holding one entry for this server."""
    key, extra = HOSTS[host]
    entry: dict[str, Any] = {
        **extra,
        "command": sys.executable,
        "args": ["-m", package, "stdio"],
    }
    env = settings_env(table, environ)
    if env:
        entry["env"] = env
    return {key: {name: entry}}


def config_command(
    argv: Sequence[str], *, name: str, package: str, table: Sequence[Setting]
) -> int:
    """`config HOST`: print the JSON on stdout, where it goes and what to fill in on
    stderr; 2 for an unknown host."""
    usage = f"usage: python -m {package} config {{{','.join(sorted(HOSTS))}}}"
    if list(argv) in (["-h"], ["--help"]):
        print(f"{usage}\n\nPrint the JSON a desktop host needs to start this server.")
        return 0
    if len(argv) != 1 or argv[0] not in HOSTS:
        given = f"unknown host {argv[0]!r}" if argv else "name a host"
        print(f"{usage}\n{package}: error: {given}", file=sys.stderr)
        return 2
    host = argv[0]
    config = host_config(host, name=name, package=package, table=table)
    print(json.dumps(config, indent=2))
    print(f"Add it to {_WHERE[host]}.", file=sys.stderr)
    placeholders = [
        s.name for s in table if config_value(config, s.name).startswith("<")
    ]
    if placeholders:
        print("Replace the placeholders: " + ", ".join(placeholders), file=sys.stderr)
    return 0


def config_value(config: dict[str, Any], variable: str) -> str:
    """The value the printed entry gives `variable` ("" when it has none)."""
    (entries,) = config.values()
    (entry,) = entries.values()
    value: str = entry.get("env", {}).get(variable, "")
    return value
