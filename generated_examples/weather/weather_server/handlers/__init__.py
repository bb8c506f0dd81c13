"""Handlers of the weather tools: one module per tool, yours to edit."""
