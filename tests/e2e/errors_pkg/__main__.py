"""python -m errpkg: as a generated package's __main__."""

from mcpmint_runtime import cli

from errpkg.server import build_server

cli.run(
    build_server,
    name="errpkg",
    transports=("stdio", "http"),
    token_env="ERRPKG_TOKEN",
)
