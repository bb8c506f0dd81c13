"""A hand-written server package on mcpmint_runtime's transports and command line."""
