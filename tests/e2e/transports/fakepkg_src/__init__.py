"""A hand-written server package the transport tests copy next to the transports."""
