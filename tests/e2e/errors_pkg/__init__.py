"""errpkg: a server on mcpmint_runtime.build_server whose handlers fail on purpose."""
