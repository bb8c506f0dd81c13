"""Handlers of the tracker tools: one module per tool, yours to edit."""
