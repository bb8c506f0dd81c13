"""mcpmint's benchmark suite: `python -m tests.benchmarks` (smoke test: test_smoke.py)."""
