"""Brute-force enumeration of a native model energy (the exact oracle)."""

from qanneal.samplers.exact.solver import MAX_EXACT_VARIABLES, NativeExactSolver

__all__ = ["MAX_EXACT_VARIABLES", "NativeExactSolver"]
