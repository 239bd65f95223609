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


GAMMA_SHAPES = ("linear", "geometric")
MAX_JPERP = 30.0  # e^{-2·30} ≈ 1e-26: slices are locked together, as at Γ = 0


def gamma_endpoints(spec: object) -> tuple[float, float, str] | None:
    """``(start, end, shape)`` of a ``(start, end[, shape])`` spec, checked; None when
    ``spec`` is not of that form (an explicit array of values per sweep).

    >>> gamma_endpoints([2.5, 0.01]), gamma_endpoints(np.array([1.0, 0.5, 0.2]))
    ((2.5, 0.01, 'linear'), None)
    """
    if not (isinstance(spec, tuple | list) and 2 <= len(spec) <= 3):
        return None
    if not isinstance(spec[0], int | float) or isinstance(spec[0], bool):
        return None
    if len(spec) == 3 and not isinstance(spec[2], str):
        return None
    start, end = float(spec[0]), float(spec[1])
    shape = str(spec[2]) if len(spec) == 3 else "linear"
    if shape not in GAMMA_SHAPES:
        raise ValueError(f"gamma shape {shape!r}: use one of {', '.join(GAMMA_SHAPES)}")
    if start < 0 or end < 0 or (shape == "geometric" and min(start, end) <= 0):
        raise ValueError(f"gamma_schedule = {spec!r} needs Γ ≥ 0 (> 0 when geometric)")
    return start, end, shape


def gamma_schedule(spec: object, num_sweeps: int) -> np.ndarray:
    """Transverse field Γ per sweep from ``(start, end[, shape])`` or an explicit array.

    ``shape`` is "linear" (default) or "geometric"; an array must have one value ≥ 0
    per sweep.

    >>> gamma_schedule((2.5, 0.5), 3).tolist()
    [2.5, 1.5, 0.5]
    >>> gamma_schedule((1.0, 0.01, "geometric"), 3).round(3).tolist()
    [1.0, 0.1, 0.01]
    """
    endpoints = gamma_endpoints(spec)
    if endpoints is not None:
        start, end, shape = endpoints
        if shape == "geometric":
            return np.geomspace(start, end, num_sweeps)
        return np.linspace(start, end, num_sweeps)
    values = np.asarray(spec, dtype=np.float64)
    if values.ndim != 1 or len(values) != num_sweeps or (values < 0).any():
        raise ValueError(
            f"gamma_schedule must be (start, end[, shape]) or {num_sweeps} values ≥ 0, "
            "one per sweep"
        )
    return values


def stage_values(values: np.ndarray, num_sweeps: int) -> np.ndarray:
    """Hold each of the stage ``values`` for an equal share of ``num_sweeps`` sweeps
    (shares differ by at most one sweep when they do not divide evenly).

    >>> stage_values(np.array([3.0, 2.0, 1.0]), 7).tolist()
    [3.0, 3.0, 2.0, 2.0, 2.0, 1.0, 1.0]
    """
    values = np.asarray(values, dtype=np.float64)
    if num_sweeps < len(values):
        raise ValueError(f"num_sweeps = {num_sweeps} is fewer than the {len(values)} stages")
    edges = np.round(np.linspace(0, num_sweeps, len(values) + 1)).astype(np.int64)
    return np.repeat(values, np.diff(edges))


def staged(values: np.ndarray, sweeps_per_stage: int) -> np.ndarray:
    """Repeat each stage value ``sweeps_per_stage`` times (Baldassi–Zecchina's stages).

    >>> staged(np.array([2.0, 1.0]), 2).tolist()
    [2.0, 2.0, 1.0, 1.0]
    """
    return np.repeat(np.asarray(values, dtype=np.float64), sweeps_per_stage)


def trotter_coupling(betas: np.ndarray, gammas: np.ndarray, trotter: int) -> np.ndarray:
    """J⊥ = ½ ln coth(βΓ/M) per sweep, capped at MAX_JPERP (Γ → 0 locks the slices).

    >>> round(float(trotter_coupling(np.array([32.0]), np.array([2.5]), 32)[0]), 4)
    0.0067
    """
    x = np.asarray(betas, dtype=np.float64) * np.asarray(gammas, dtype=np.float64) / trotter
    with np.errstate(divide="ignore"):
        coupling = 0.5 * np.log(1.0 / np.tanh(np.maximum(x, 1e-300)))
    return np.minimum(coupling, MAX_JPERP)
