"""Every inverse-temperature (β) and transverse-field (Γ) schedule, in one place.

A schedule is a 1-D float64 array with one value per sweep; samplers ask this module
for it and record what they used in ``info``. Defaults follow the rule dwave-samplers
uses for its SA (``_default_ising_beta_range``): the hot end accepts the largest
single-flip energy increase with probability 1/2, the cold end accepts the smallest
non-zero increase with probability 1/100.

Example:
    >>> beta_schedule((0.1, 10.0), 3, "geometric").round(3).tolist()
    [0.1, 1.0, 10.0]
"""

from __future__ import annotations

import math

import numpy as np

SCHEDULE_TYPES = ("geometric", "linear")


def beta_schedule(beta_range: tuple[float, float], num_sweeps: int, kind: str) -> np.ndarray:
    """β per sweep from ``beta_range[0]`` (hot) to ``beta_range[1]`` (cold).

    >>> beta_schedule((1.0, 3.0), 3, "linear").tolist()
    [1.0, 2.0, 3.0]
    """
    start, end = (float(b) for b in beta_range)
    if num_sweeps < 1:
        raise ValueError(f"num_sweeps = {num_sweeps} must be >= 1")
    if not (start > 0 and end > 0):
        raise ValueError(f"beta_range = {beta_range} must hold two positive numbers")
    if kind == "geometric":
        return np.geomspace(start, end, num_sweeps)
    if kind == "linear":
        return np.linspace(start, end, num_sweeps)
    raise ValueError(f"unknown schedule {kind!r}; use one of {', '.join(SCHEDULE_TYPES)}")


def default_beta_range(flip_energies: np.ndarray) -> tuple[float, float]:
    """(β_hot, β_cold) from a sample of single-flip energy changes.

    β_hot = ln 2 / max|ΔE| and β_cold = ln 100 / min{|ΔE| > 0}; a flat landscape
    (no non-zero ΔE seen) gets (0.1, 10).

    >>> [round(b, 3) for b in default_beta_range(np.array([0.0, 1.0, -4.0]))]
    [0.173, 4.605]
    """
    magnitudes = np.abs(np.asarray(flip_energies, dtype=np.float64))
    nonzero = magnitudes[magnitudes > 1e-12]
    if nonzero.size == 0:
        return 0.1, 10.0
    hot = math.log(2.0) / float(nonzero.max())
    cold = math.log(100.0) / float(nonzero.min())
    return hot, max(cold, hot)
