"""Benchmarks: each measures Xinyong and a baseline on the same data in the same run and
reports the ratio. Run with `make bench` (or `python -m benchmarks NAME...`)."""
