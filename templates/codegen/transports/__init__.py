"""Transports of the generated server: stdio, Streamable HTTP, SSE and WebSocket.

Each entry point takes the `mcp.server.lowlevel.Server` to serve as an argument:
`cli.main` (the command line), `stdio.run_stdio`, `app.build_app` / `app.create_app`
(an ASGI app), `websocket.websocket_client` (a client transport for `mcp.Client`).
Submodules are imported on use, so a stdio server never loads the network stack.
"""
