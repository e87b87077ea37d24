"""Benchmarks: our code against the raw libraries doing the same work on the same data."""
