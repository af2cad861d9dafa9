"""Benchmarks that print figures (docs/benchmarks.md), and the fakes they and the tests share."""
