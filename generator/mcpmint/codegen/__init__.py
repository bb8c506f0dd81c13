"""From a validated spec to files in memory: the IR, lowering (every name decided),
rendering through the templates, and formatting with black."""
