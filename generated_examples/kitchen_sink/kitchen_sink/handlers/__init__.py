"""Handlers of the kitchen-sink tools: one module per tool, yours to edit."""
