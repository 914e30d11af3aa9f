"""Benchmarks printed by ``make bench``; each module measures one issue's figures."""
