"""Benchmarks for the DESIGN §8 budgets: a synthetic topology generator and a runner."""
