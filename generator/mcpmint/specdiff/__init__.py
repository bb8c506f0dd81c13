"""`mcpmint diff`: the breaking-change report. `report` is the entry point; `spec_walk`
and `schema_walk` classify changes with the rules of `rules`."""
