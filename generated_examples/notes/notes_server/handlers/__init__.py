"""Handlers of the notes tools: one module per tool, yours to edit."""
