"""python -m errpkg: as a generated package's __main__."""

from errpkg.server import build_server
from mcpmint_runtime import cli

cli.run(
    build_server,
    name="errpkg",
    transports=("stdio", "http"),
    token_env="ERRPKG_TOKEN",
)
