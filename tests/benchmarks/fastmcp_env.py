"""Create the interpreter the benchmark runs FastMCP 4 from: `python -m tests.benchmarks.fastmcp_env`.

fastmcp 4.1.6 does not install next to mcpmint's dependencies: its `server` extra asks
for certifi>=2026.10.19, newer than any release the package index has. It goes into its
own venv (default /tmp/mcpmint-bench-fastmcp, the place procs.py looks), with the same
versions of everything it shares with the project's venv (mcp 2.3.0, pydantic, anyio,
starlette, uvicorn, uvloop, httptools, ...), fastmcp itself installed without
dependencies and the newest certifi the index has. certifi only matters for TLS, which
the benchmark (loopback HTTP) never uses.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from .procs import FASTMCP_VENV

FASTMCP = ("fastmcp==4.1.6", "fastmcp-slim==4.1.6")
# fastmcp-slim 4.1.6's requirements with its client and server extras, less certifi.
REQUIREMENTS = (
    "mcp==2.3.0", "mcp-types", "uvicorn[standard]", "websockets", "platformdirs",
    "pydantic-settings", "pydantic[email]", "python-dotenv", "rich", "typing-extensions",
    "authlib", "exceptiongroup", "httpx2", "opentelemetry-api",
    "py-key-value-aio[filetree,memory]>=0.4.4,<0.5.0", "starlette", "cyclopts", "griffelib",
    "joserfc", "jsonref", "jsonschema-path", "openapi-pydantic", "packaging", "pyperclip",
    "python-multipart", "pyyaml", "uncalled-for", "watchfiles", "certifi",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.fastmcp_env", description=__doc__
    )
    parser.add_argument("--venv", type=Path, default=FASTMCP_VENV)
    args = parser.parse_args()
    freeze = subprocess.run(
        [sys.executable, "-m", "pip", "freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    shared = [
        line for line in freeze.splitlines()
        if "==" in line and not line.startswith(("-e", "mcpmint", "certifi"))
    ]  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:
        constraints.write("\n".join(shared) + "\n")
    subprocess.run([sys.executable, "-m", "venv", str(args.venv)], check=True)
    pip = [str(args.venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--no-deps", *FASTMCP], check=True)
    subprocess.run([*pip, "-c", constraints.name, *REQUIREMENTS], check=True)
    Path(constraints.name).unlink()
    print(f"FastMCP interpreter: {args.venv / 'bin' / 'python'}")


if __name__ == "__main__":
    main()
