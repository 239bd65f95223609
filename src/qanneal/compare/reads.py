"""What a contestant of a comparison returns for one job, and the contestant signature.

A contestant is called as ``run(problem, budget, num_reads, seed, params)`` and returns
:class:`Reads`: the ±1 weights (model order) and energy (in the problem's formulation) of
every read, the sweeps and single-spin updates one read cost, the wall time of the
sampling, and optionally an energy trace (see :mod:`qanneal.compare.contestants`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qanneal.problem import Problem


@dataclass
class Reads:
    """What one contestant produced for one job: one row per read."""

    weights: np.ndarray  # (reads, num_weights) ±1 int8, model variable order
    energies: np.ndarray  # (reads,) energy in the problem's formulation
    sweeps: int  # sweeps one read cost
    spin_updates: int | None  # single-spin updates one read cost (sweeps × variables ×
    # slices); None for a contestant that flips no spins (a sweep_cost of None)
    seconds: float  # wall time of sampling all reads
    trace: dict[str, list[float]] | None = field(default=None)  # {"sweeps", "mean_energy"}


Contestant = Callable[[Problem, int, int, int, dict[str, Any]], Reads]
