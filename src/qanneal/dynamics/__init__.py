"""Dynamics: how samplers converge on the same problem, and why.

- :mod:`qanneal.dynamics.metrics` — success probability, TTS99, residual energy, bootstrap CIs;
- :mod:`qanneal.dynamics.compare` — :func:`compare`: every sampler × budget × problem;
- :mod:`qanneal.dynamics.overlaps` — solution geometry: overlaps, local entropy, capacity;
- :mod:`qanneal.dynamics.quantum` — exact statevector quantum annealing for small n;
- :mod:`qanneal.dynamics.plots` — the PNG figures and ``report.md``.
"""
