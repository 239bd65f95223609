"""From finished jobs to the numbers of a comparison: per-read rows, per-group metrics,
the TTS optimum, averaged traces, solution geometry and the load scan.

Conventions: the *best known* energy of an instance is the lowest energy any read of
any contestant reached on it. A read *succeeds* when it makes zero training errors if
some read reached zero errors on that instance (the problem is known to be solvable),
and otherwise when its energy is the best known one (a BQM/HUBO whose ground state is
not a perfect classifier). In a load scan (α set) success is always zero training
errors, so that it compares with the probability that a solution exists. Groups are
(problem, α, contestant, budget), pooled over instances; bootstrap intervals resample the
pooled reads.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np

from qanneal.compare import metrics
from qanneal.compare.jobs import ProblemSource, unpack_weights
from qanneal.compare.overlaps import (
    KRAUTH_MEZARD_CAPACITY,
    MAX_EXISTENCE_INPUTS,
    cross_overlaps,
    existence_probability,
    local_entropy,
    pairwise_overlaps,
)

TOLERANCE = 1e-9
OVERLAP_BINS = np.linspace(-1.0, 1.0, 21)
ENTROPY_SOLUTIONS = 10
ENTROPY_SAMPLES = 400


def _instance(result: dict[str, Any]) -> tuple[str, int, float | None]:
    return result["problem"], result["instance"], result["alpha"]


def references(results: list[dict[str, Any]]) -> dict[tuple[str, int, float | None], Any]:
    """Per instance: (best known energy, solvable?) over every read of every job."""
    best: dict[tuple[str, int, float | None], float] = {}
    solvable: dict[tuple[str, int, float | None], bool] = defaultdict(bool)
    for result in results:
        key = _instance(result)
        for read in result["reads"]:
            best[key] = min(best.get(key, math.inf), read["energy"])
            solvable[key] |= read["errors"] == 0
    return {key: (best[key], solvable[key]) for key in best}


def read_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per read (what ``results.csv`` holds), with residual energy and success."""
    refs = references(results)
    rows = []
    for result in sorted(results, key=lambda r: r["key"]):
        best, solvable = refs[_instance(result)]
        per_read = result["seconds"] / max(1, len(result["reads"]))
        for index, read in enumerate(result["reads"]):
            residual = read["energy"] - best
            tolerance = TOLERANCE * max(1.0, abs(best))
            # a load scan asks whether the patterns were learned, whatever the energy
            if solvable or result["alpha"] is not None:
                success = read["errors"] == 0
            else:
                success = residual <= tolerance
            rows.append(
                {
                    "problem": result["problem"],
                    "instance": result["instance"],
                    "alpha": result["alpha"],
                    "contestant": result["contestant"],
                    "budget": result["budget"],
                    "seed": result["seed"],
                    "read": index,
                    "energy": read["energy"],
                    "residual_energy": residual,
                    "errors": read["errors"],
                    "success": bool(success),
                    "train_accuracy": read["train_accuracy"],
                    "test_accuracy": read["test_accuracy"],
                    "sweeps": result["sweeps"],
                    "spin_updates": result["spin_updates"],
                    "seconds_per_read": per_read,
                }
            )
    return rows


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _mean_or_none(values: list[Any]) -> float | None:
    kept = [v for v in values if v is not None]
    return float(np.mean(kept)) if kept else None


def group_metrics(
    rows: list[dict[str, Any]], results: list[dict[str, Any]], *, seed: int, resamples: int
) -> list[dict[str, Any]]:
    """Metrics per (problem, α, contestant, budget)."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["problem"], row["alpha"], row["contestant"], row["budget"])].append(row)
    best_reads: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        best = min(result["reads"], key=lambda r: (r["errors"], r["energy"]))
        group = (result["problem"], result["alpha"], result["contestant"], result["budget"])
        best_reads[group].append(best)
    options: dict[str, Any] = {"seed": seed, "resamples": resamples}
    summary = []
    for key in sorted(groups, key=lambda k: (k[0], -1 if k[1] is None else k[1], k[2], k[3])):
        members = groups[key]
        success = metrics.success_probability([r["success"] for r in members], **options)
        per_instance: dict[int, list[bool]] = defaultdict(list)
        for r in members:
            per_instance[r["instance"]].append(r["success"])
        updates = [r["spin_updates"] for r in members]
        costs: dict[str, float | None] = {
            "sweeps": float(members[0]["sweeps"]),
            # None: the contestant flips no spins (a variational circuit), no TTS in updates
            "spin_updates": None if None in updates else float(np.mean(updates)),
            "seconds": float(np.mean([r["seconds_per_read"] for r in members])),
        }
        typical_test = [r["test_accuracy"] for r in members]
        summary.append(
            {
                "problem": key[0],
                "alpha": key[1],
                "contestant": key[2],
                "budget": key[3],
                "reads": len(members),
                "instances": len({r["instance"] for r in members}),
                "success": success.to_dict(),
                "success_per_instance": [
                    float(np.mean(per_instance[k])) for k in sorted(per_instance)
                ],
                "cost_per_read": costs,
                "tts": {
                    unit: metrics.tts_estimate(success, _nan(cost)).to_dict()
                    for unit, cost in costs.items()
                },
                # the literature's figure: the median over instances of each one's TTS99
                "tts_instance_median": {
                    unit: _finite_or_none(
                        float(
                            np.median(
                                [
                                    metrics.tts(float(np.mean(v)), _nan(cost))
                                    for v in per_instance.values()
                                ]
                            )
                        )
                    )
                    for unit, cost in costs.items()
                },
                "residual_energy": metrics.bootstrap(
                    [r["residual_energy"] for r in members], **options
                ).to_dict(),
                "mean_errors": float(np.mean([r["errors"] for r in members])),
                "train_accuracy": {
                    "typical": float(np.mean([r["train_accuracy"] for r in members])),
                    "best": _mean_or_none([b["train_accuracy"] for b in best_reads[key]]),
                },
                "test_accuracy": {
                    "typical": _mean_or_none(typical_test),
                    "best": _mean_or_none([b["test_accuracy"] for b in best_reads[key]]),
                },
            }
        )
    return summary


def _estimate(values: dict[str, float | None]) -> metrics.Estimate:
    """An Estimate from its JSON form (None, i.e. ∞ or undefined, as ∞)."""
    return metrics.Estimate(
        *(math.inf if values[k] is None else float(values[k]) for k in ("value", "low", "high"))  # type: ignore[arg-type]
    )


def optima(groups: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per problem and contestant, the budget minimising TTS in each unit (α unset)."""
    found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for group in groups:
        if group["alpha"] is None:
            by_pair[(group["problem"], group["contestant"])].append(group)
    for (problem, contestant), members in by_pair.items():
        found[problem][contestant] = {
            unit: metrics.optimum({g["budget"]: _estimate(g["tts"][unit]) for g in members})
            for unit in ("sweeps", "spin_updates", "seconds")
            if all(g["cost_per_read"][unit] is not None for g in members)
        }  # a unit the contestant has no cost in (spin updates of a circuit) is left out
    return dict(found)


def traces(results: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per problem and contestant: the energy trace at its largest budget, averaged over
    instances, as residual energy above each instance's best known energy."""
    refs = references(results)
    collected: dict[tuple[str, str], list[tuple[int, list[int], np.ndarray]]] = defaultdict(list)
    for result in results:
        if result["alpha"] is None and result.get("trace"):
            best, _ = refs[_instance(result)]
            energies = np.asarray(result["trace"]["mean_energy"]) - best
            collected[(result["problem"], result["contestant"])].append(
                (result["budget"], result["trace"]["sweeps"], energies)
            )
    found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for (problem, contestant), entries in collected.items():
        top = max(budget for budget, _, _ in entries)
        chosen = [(s, e) for b, s, e in entries if b == top]
        length = min(len(e) for _, e in chosen)
        found[problem][contestant] = {
            "budget": top,
            "sweeps": chosen[0][0][:length],
            "residual_energy": np.mean([e[:length] for _, e in chosen], axis=0).tolist(),
        }
    return dict(found)


def _histogram(overlaps: np.ndarray) -> dict[str, list[float]]:
    counts, edges = np.histogram(overlaps, bins=OVERLAP_BINS)
    return {"edges": edges.tolist(), "counts": counts.tolist(), "mean": _safe_mean(overlaps)}


def _safe_mean(values: np.ndarray) -> float | None:
    return float(np.mean(values)) if len(values) else None


def _distances(n: int) -> list[int]:
    top = max(1, n // 3)
    return sorted({round(d) for d in np.geomspace(1, top, 8)})


def geometry(
    results: list[dict[str, Any]], sources: dict[str, ProblemSource], *, seed: int
) -> dict[str, Any]:
    """Per problem (instance 0, file's α, each contestant's largest budget): overlap
    histograms of the solutions found, within and between contestants, and local-entropy
    curves around up to ten solutions per contestant (mean and standard error over those
    solutions) with their test accuracy."""
    found: dict[str, Any] = {}
    for label, source in sources.items():
        picked = [r for r in results if r["problem"] == label and r["instance"] == 0]
        picked = [r for r in picked if r["alpha"] is None]
        if not picked:
            continue
        solutions: dict[str, list[dict[str, Any]]] = {}
        for contestant in sorted({r["contestant"] for r in picked}):
            mine = [r for r in picked if r["contestant"] == contestant]
            top = max(mine, key=lambda r: r["budget"])
            solutions[contestant] = [read for read in top["reads"] if read["errors"] == 0]
        model = source.build(0).model
        n = model.num_variables
        arrays = {
            c: np.array([unpack_weights(s["weights"]) for s in sols]).reshape(-1, n)
            for c, sols in solutions.items()
        }
        names = sorted(arrays)
        entropy = {}
        for c in names:
            curves = [
                local_entropy(model, w, _distances(n), samples=ENTROPY_SAMPLES, seed=seed + k)
                for k, w in enumerate(arrays[c][:ENTROPY_SOLUTIONS])
            ]
            if not curves:
                continue
            tests = [s["test_accuracy"] for s in solutions[c][:ENTROPY_SOLUTIONS]]
            fractions = np.array([cv["fraction"] for cv in curves])
            spread = (
                fractions.std(axis=0, ddof=1) / np.sqrt(len(curves)) if len(curves) > 1 else None
            )
            entropy[c] = {
                "distance": curves[0]["distance"],
                "fraction": fractions.mean(axis=0).tolist(),
                "fraction_sem": None if spread is None else spread.tolist(),
                "solutions": len(curves),
                "test_accuracy": _mean_or_none(tests),
            }
        found[label] = {
            "num_weights": n,
            "solutions": {c: len(arrays[c]) for c in names},
            "overlaps": {c: _histogram(pairwise_overlaps(arrays[c])) for c in names},
            "cross_overlaps": {
                f"{a} vs {b}": _histogram(cross_overlaps(arrays[a], arrays[b]))
                for i, a in enumerate(names)
                for b in names[i + 1 :]
            },
            "local_entropy": entropy,
        }
    return found


def capacity(
    groups: list[dict[str, Any]],
    sources: dict[str, ProblemSource],
    *,
    existence_instances: int,
    instances: int,
) -> dict[str, Any]:
    """Success vs α per problem and contestant (the α-scan groups), with the exact
    probability that a solution exists (random perceptrons with N ≤ 25, no bias) over
    the scan's own instances and more with the following data seeds."""
    found: dict[str, Any] = {}
    for label, source in sources.items():
        scan = [g for g in groups if g["problem"] == label and g["alpha"] is not None]
        if not scan:
            continue
        curves: dict[str, Any] = defaultdict(lambda: {"alpha": [], "success": []})
        for g in sorted(scan, key=lambda g: g["alpha"]):
            curves[g["contestant"]]["alpha"].append(g["alpha"])
            curves[g["contestant"]]["success"].append(g["success"])
        model_spec = source.document.get("model", {})
        data_spec = source.document.get("data", {})
        n = int(model_spec.get("inputs") or 0)
        alphas = sorted({g["alpha"] for g in scan})
        exact = None
        if (
            model_spec.get("type") == "perceptron"
            and not model_spec.get("bias", False)
            and data_spec.get("source") == "random"
            and 0 < n <= MAX_EXISTENCE_INPUTS
        ):
            # data seeds data.seed + k: the first instances are the ones the scan ran on
            exact = existence_probability(
                n,
                alphas,
                instances=max(existence_instances, instances),
                seed=int(data_spec.get("seed", 0)),
            )
        solvable_in_scan = (
            None
            if exact is None
            else {str(r["alpha"]): float(np.mean(r["solvable"][:instances])) for r in exact}
        )
        found[label] = {
            "budget": scan[0]["budget"],
            "solvable_share_of_scan_instances": solvable_in_scan,
            "num_inputs": n,
            "curves": dict(curves),
            "existence": exact,
            "capacity": KRAUTH_MEZARD_CAPACITY,
        }
    return found
