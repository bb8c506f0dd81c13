"""From files in memory to disk: ownership and the generated header, atomic writes,
`check`'s comparison, the up-to-date record, and the disk cache."""
