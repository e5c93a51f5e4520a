"""Performance harness (DESIGN §10); run ``python -m benchmarks.run``."""
