"""The input: the spec format, loading with line/column marks, `$ref`s into other files,
validation, and located diagnostics."""
