"""Handlers of the conformance tools: one module per tool, yours to edit."""
