"""Benchmarks: run them with `make bench` (see docs/benchmarks.md)."""
