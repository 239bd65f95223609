"""TTS99 against problem size across the problems of one comparison, and its growth law.

When a comparison holds problems of at least three sizes N (a family such as
``problems/baldassi-zecchina-n*.toml``), every contestant gets, at each N, its TTS99 in
single-spin updates and in seconds at its best budget on that problem, and two growth laws
fitted by least squares on the sizes where some read succeeded:

* exponential, log10 TTS = a + b·N (reported as b per 1000 inputs);
* power law, ln TTS = c + k·ln N (the exponent k).

Intervals: the same fits on bootstrap resamples of each point's reads (percentiles 2.5 and
97.5); a point is left out of a resample in which no read succeeded. Where a contestant
never succeeded its TTS is only bounded from below, by the cost of one read times the
repetitions at the 95 % upper limit of p_s (1 − 0.05^(1/n)); such points are reported but
not fitted. ``ratios`` says who wins at each N and by how much (">" when the slower one
is only bounded).

Example:
    >>> fit = fit_growth([101, 201, 401], [10.0, 100.0, 10_000.0])
    >>> round(fit["per_1000_inputs_log10"], 2), round(fit["power"], 2)
    (10.0, 5.01)
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np

from qanneal.compare import metrics

UNITS = ("spin_updates", "seconds")
MIN_SIZES = 3


def fit_growth(sizes: list[int], values: list[float]) -> dict[str, float | None]:
    """Least-squares slopes of log10 TTS against N (per 1000 inputs) and of ln TTS
    against ln N; None with fewer than two points."""
    if len(sizes) < 2:
        return {"per_1000_inputs_log10": None, "power": None}
    n = np.asarray(sizes, dtype=np.float64)
    t = np.asarray(values, dtype=np.float64)
    return {
        "per_1000_inputs_log10": float(np.polyfit(n, np.log10(t), 1)[0] * 1000.0),
        "power": float(np.polyfit(np.log(n), np.log(t), 1)[0]),
    }


def problem_sizes(sources: dict[str, Any]) -> dict[str, int]:
    """Variables of each problem (the model's weights for a native formulation)."""
    return {label: int(source.build(0).num_variables) for label, source in sources.items()}


def _point(group: dict[str, Any], successes: list[bool], size: int) -> dict[str, Any]:
    reads = len(successes)
    p = float(np.mean(successes))
    point: dict[str, Any] = {"size": size, "budget": group["budget"], "reads": reads}
    point["success"] = group["success"]
    for unit in UNITS:
        cost = group["cost_per_read"][unit]
        if cost is None:
            continue
        bound = metrics.tts(1.0 - 0.05 ** (1.0 / reads), cost) if p == 0 else None
        point[unit] = {**group["tts"][unit], "cost_per_read": cost, "lower_bound": bound}
    return point


def _fits(points: list[dict[str, Any]], draws: dict[int, np.ndarray], unit: str) -> dict[str, Any]:
    """Fits of measured points, with bootstrap intervals from resampled successes."""
    kept = [pt for pt in points if unit in pt and pt[unit]["value"] is not None]
    fit = fit_growth([pt["size"] for pt in kept], [pt[unit]["value"] for pt in kept])
    resampled: dict[str, list[float]] = {key: [] for key in fit}
    for b in range(len(next(iter(draws.values())))):
        sizes, values = [], []
        for pt in points:
            if unit in pt and draws[pt["size"]][b] > 0:
                sizes.append(pt["size"])
                values.append(metrics.tts(draws[pt["size"]][b], pt[unit]["cost_per_read"]))
        for key, value in fit_growth(sizes, values).items():
            if value is not None:
                resampled[key].append(value)
    intervals = {
        key: [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))] if v else None
        for key, v in resampled.items()
    }
    return {**fit, "intervals": intervals, "sizes": [pt["size"] for pt in kept]}


def _best_group(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The group with the smallest finite TTS in spin updates (seconds if it has none)."""

    def key(group: dict[str, Any]) -> float:
        for unit in UNITS:
            value = group["tts"][unit]["value"]
            if group["cost_per_read"][unit] is not None:
                return math.inf if value is None else float(value)
        return math.inf

    return min(groups, key=lambda g: (key(g), g["budget"]))


def scaling(
    rows: list[dict[str, Any]],
    groups: list[dict[str, Any]],
    sources: dict[str, Any],
    *,
    seed: int,
    resamples: int,
) -> dict[str, Any] | None:
    """TTS99 vs N per contestant, growth-law fits and ratios; None with < 3 sizes."""
    sizes = problem_sizes(sources)
    if len(set(sizes.values())) < MIN_SIZES:
        return None
    successes: dict[tuple[str, str, int], list[bool]] = defaultdict(list)
    for row in rows:
        if row["alpha"] is None:
            successes[(row["problem"], row["contestant"], row["budget"])].append(row["success"])
    rng = np.random.default_rng(seed)
    contestants: dict[str, Any] = {}
    for name in sorted({g["contestant"] for g in groups}):
        points, draws = [], {}
        for label in sorted(sizes, key=sizes.get):  # type: ignore[arg-type]
            mine = [g for g in groups if (g["problem"], g["contestant"]) == (label, name)]
            mine = [g for g in mine if g["alpha"] is None]
            if not mine:
                continue
            best = _best_group(mine)
            hits = np.asarray(successes[(label, name, best["budget"])], dtype=np.float64)
            points.append(_point(best, list(hits.astype(bool)), sizes[label]))
            draws[sizes[label]] = hits[rng.integers(hits.size, size=(resamples, hits.size))].mean(1)
        fits = {unit: _fits(points, draws, unit) for unit in UNITS if draws}
        contestants[name] = {"points": points, "fits": fits}
    return {"sizes": sizes, "contestants": contestants, "ratios": _ratios(contestants)}


def _ratios(contestants: dict[str, Any]) -> list[dict[str, Any]]:
    """Per N and unit: the fastest contestant and the others' TTS over its own."""
    by_size: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for name, data in contestants.items():
        for pt in data["points"]:
            by_size[pt["size"]][name] = pt
    out = []
    for size in sorted(by_size):
        for unit in UNITS:
            values = {
                name: pt[unit]["value"] or pt[unit]["lower_bound"]
                for name, pt in by_size[size].items()
                if unit in pt
            }
            measured = {n: v for n, v in values.items() if by_size[size][n][unit]["value"]}
            if not measured:
                continue
            winner = min(measured, key=measured.get)  # type: ignore[arg-type]
            others = {
                name: {
                    "ratio": float(value / measured[winner]),
                    "at_least": by_size[size][name][unit]["value"] is None,
                }
                for name, value in values.items()
                if name != winner
            }
            out.append({"size": size, "unit": unit, "winner": winner, "others": others})
    return out
