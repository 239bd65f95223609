"""Exact oracles: brute-force enumeration (``exact``) and exact statevector quantum annealing."""

from qanneal.samplers.exact.solver import MAX_EXACT_VARIABLES, ExactSampler

__all__ = ["MAX_EXACT_VARIABLES", "ExactSampler"]
