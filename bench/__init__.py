"""Benchmarks: `make bench` (python -m bench). Each compares to a baseline in the same run."""
