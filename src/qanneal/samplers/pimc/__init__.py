"""Path-integral Monte Carlo (simulated quantum annealing)."""

from qanneal.samplers.pimc.sampler import PIMCSampler

__all__ = ["PIMCSampler"]
