"""Transports: stdio, Streamable HTTP, SSE and WebSocket.

Each entry point takes the `mcp.server.lowlevel.Server` to serve as an argument:
`stdio.run_stdio`, `network.serve_network`, `app.build_app` / `app.create_app` (an
ASGI app), `websocket.websocket_client` (a client transport for `mcp.Client`); the
command line is `mcpmint_runtime.cli`. Submodules are imported on use, so a stdio
server never loads the network stack.
"""
