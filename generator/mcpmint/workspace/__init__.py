"""Many servers at once: the workspace file (`config`), `check` and `generate` over
it (`run`), shared schema files validated and diffed with their users (`shared`,
`diff`)."""
