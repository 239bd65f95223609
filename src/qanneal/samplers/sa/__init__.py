"""Simulated annealing on native energies (and dwave-samplers SA on BQMs)."""
