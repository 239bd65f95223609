"""Metrics of a comparison: success probability, time to solution, residual energy, each
with a bootstrap confidence interval.

Time to solution with 99 % confidence (docs/formulas.md, "Time to solution"): a read of cost t
succeeds with probability p_s; R99 = ln(0.01)/ln(1 − p_s) independent reads reach a
solution with probability 0.99, so TTS99 = t·R99. Conventions at the edges: p_s = 1
needs one read (R99 = 1; the formula's 0 would be less than one read), p_s = 0 never
succeeds (TTS = ∞). Intervals are percentile bootstraps over reads, seeded, so the same
seed gives the same interval; TTS falls as p_s rises, so its interval is
[TTS(p_high), TTS(p_low)].

Example:
    >>> round(tts(0.5, 100.0), 1)
    664.4
    >>> tts(1.0, 100.0), tts(0.0, 100.0)
    (100.0, inf)
    >>> estimate = success_probability([1, 0, 1, 1], seed=0)
    >>> estimate.value, estimate.low <= 0.75 <= estimate.high
    (0.75, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

TARGET = 0.99
DEFAULT_RESAMPLES = 1000
DEFAULT_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    """A point estimate and its confidence interval [low, high]."""

    value: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready (infinities and NaN become None)."""
        return {k: (v if math.isfinite(v) else None) for k, v in asdict(self).items()}


def repetitions(p: float, target: float = TARGET) -> float:
    """Independent reads needed to succeed at least once with probability ``target``:
    ln(1 − target)/ln(1 − p), at least 1; ∞ for p = 0.

    >>> round(repetitions(0.1), 2), repetitions(0.999), repetitions(0.0)
    (43.71, 1.0, inf)
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"success probability {p!r} must be in [0, 1]")
    if not 0.0 < target < 1.0:
        raise ValueError(f"target {target!r} must be in (0, 1)")
    if p == 0.0:
        return math.inf
    if p == 1.0:
        return 1.0
    return max(1.0, math.log(1.0 - target) / math.log1p(-p))


def tts(p: float, cost: float, target: float = TARGET) -> float:
    """TTS = cost of one read × :func:`repetitions` (∞ if p = 0)."""
    return cost * repetitions(p, target)


def bootstrap(
    values: Sequence[float] | np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray] | None = None,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int | None = 0,
) -> Estimate:
    """Percentile bootstrap of ``statistic`` (default: the mean) over ``values``.

    ``statistic`` maps a (resamples, n) array to one value per row. With no values
    the estimate is NaN.

    >>> bootstrap([2.0, 2.0, 2.0])
    Estimate(value=2.0, low=2.0, high=2.0)
    """
    data = np.asarray(values, dtype=np.float64).ravel()
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence {confidence!r} must be in (0, 1)")
    if data.size == 0:
        return Estimate(math.nan, math.nan, math.nan)

    def stat(rows: np.ndarray) -> np.ndarray:
        return rows.mean(axis=1) if statistic is None else statistic(rows)

    rng = np.random.default_rng(seed)
    draws = stat(data[rng.integers(data.size, size=(resamples, data.size))])
    tail = 100.0 * (1.0 - confidence) / 2.0
    low, high = np.percentile(draws, [tail, 100.0 - tail])
    return Estimate(float(stat(data[None, :])[0]), float(low), float(high))


def success_probability(successes: Sequence[bool] | np.ndarray, **options: Any) -> Estimate:
    """Share of successful reads with its bootstrap interval (``options`` as in
    :func:`bootstrap`)."""
    return bootstrap(np.asarray(successes, dtype=np.float64), **options)


def tts_estimate(success: Estimate, cost: float, target: float = TARGET) -> Estimate:
    """TTS from a success estimate: value at p, interval [TTS(p_high), TTS(p_low)]."""
    if math.isnan(success.value):
        return Estimate(math.nan, math.nan, math.nan)
    return Estimate(
        tts(success.value, cost, target),
        tts(success.high, cost, target),
        tts(success.low, cost, target),
    )


def residual_energy(
    energies: Sequence[float] | np.ndarray, reference: float, **options: Any
) -> Estimate:
    """Mean of E − ``reference`` (the best known energy) with its bootstrap interval.

    >>> residual_energy([1.0, 3.0], 1.0, seed=0).value
    1.0
    """
    return bootstrap(np.asarray(energies, dtype=np.float64) - reference, **options)


def optimum(costs: dict[int, Estimate]) -> dict[str, Any] | None:
    """The budget with the smallest finite TTS, ``{"budget", "tts", "low", "high"}``;
    None if no budget ever succeeded.

    >>> optimum({10: Estimate(50.0, 40.0, 60.0), 20: Estimate(30.0, 25.0, 45.0)})["budget"]
    20
    """
    finite = {b: e for b, e in costs.items() if math.isfinite(e.value)}
    if not finite:
        return None
    budget = min(finite, key=lambda b: (finite[b].value, b))
    best = finite[budget].to_dict()
    return {"budget": budget, "tts": best["value"], "low": best["low"], "high": best["high"]}
