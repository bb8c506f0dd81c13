"""JSON Schema knowledge in one place: the keyword table, walking refs and pointers, and
synthesis of minimal valid instances."""
