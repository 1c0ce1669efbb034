"""Benchmarks run by ``shopfront bench``: each module has ``run(quick) -> dict``."""
