"""Benchmarks of the seeding pipeline: ``python -m bench`` (see bench/README.md)."""
