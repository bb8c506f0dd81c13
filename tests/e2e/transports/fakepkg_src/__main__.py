"""python -m fakepkg: the same entry point a generated package has."""

import os

from fakepkg.server import server
from mcpmint_runtime.cli import main

TRANSPORTS = os.environ.get("FAKEPKG_TRANSPORTS", "stdio,http,sse,websocket")

main(
    server,
    name="fakepkg",
    transports=TRANSPORTS.split(","),
    token_env=os.environ.get("FAKEPKG_TOKEN_ENV") or None,
)
