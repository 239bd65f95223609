"""Benchmark: build the slack QUBO of a random binary perceptron with qanneal and PyQUBO.

What is measured
    Wall-clock time (``time.perf_counter``) to go from a learning problem to a dimod
    ``BinaryQuadraticModel`` of E(x, z) = Σ_μ (Δ_μ − κ' − 2 u_μ)², w_i = 2 x_i − 1,
    u_μ = Σ_k c_k z_μk (see ``qanneal.hubo.slack``), for a random storage problem with
    N inputs and P = round(α N) ±1 patterns and labels, no bias.

    * qanneal: ``build_slack_qubo(model)`` from a ``BinaryPerceptron``; one warm-up
      call (timed, reported as the first call), then the best of ``--repeats`` calls;
      the ratio uses the best. A second pass of ``--repeats`` calls times its final
      ``dimod.BinaryQuadraticModel.from_numpy_vectors`` call in place (the rest is numpy
      assembly and labels) and reports the split of the fastest call.
    * PyQUBO: from the numpy patterns and labels, ``Array.create`` for the weight bits
      ``x`` and slack bits ``z``, the expression, ``compile()`` and ``to_bqm()``; the best
      of ``--pyqubo-repeats`` runs (default 1), split into those three phases.

    Both use the same κ' and bounded-binary slack code (qanneal's ``slack_parameters``),
    so only the construction is compared. PyQUBO's BQM is relabelled to qanneal's names
    (x[i] → w[i], z[μ][k] → u[μ,k]) and checked equal: same variables, linear and
    quadratic biases within 1e-9 (a coupling missing on one side counts as 0), the
    offset difference, and the energies of a few random samples.

How to run (from the repository root)
    pip install '.[bench]'
    python benchmarks/build_slack.py [--inputs 301] [--alpha 0.5] [--seed 0] [--repeats 5] [--json]
        [--pyqubo-repeats 1]

It prints a table (or the JSON record with ``--json``) and writes
``benchmarks/results/build_slack.json``. Exit status: 0 if the two BQMs are equal,
1 if they differ, 2 if PyQUBO is not installed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import dimod
import numpy as np
from _common import git_commit, git_dirty, machine, versions, write_atomically

from qanneal.hubo.slack import SlackQubo, build_slack_qubo, slack_parameters
from qanneal.models import BinaryPerceptron
from qanneal.models.datasets import random_patterns

VERSIONS = ("qanneal", "pyqubo", "dimod", "numpy")

try:
    import pyqubo
except ImportError:  # reported by main() with an install hint
    pyqubo = None

TARGET_SPEEDUP = 100.0
TOLERANCE = 1e-9
ENERGY_SAMPLES = 8
ROOT = Path(__file__).resolve().parent.parent
RESULT_PATH = ROOT / "benchmarks" / "results" / "build_slack.json"


# ---------------------------------------------------------------------------
# the instance and the two constructions


def make_model(inputs: int, alpha: float, seed: int) -> BinaryPerceptron:
    """A random storage problem: P = round(α N) ±1 patterns with ±1 labels, no bias."""
    data = random_patterns(inputs, round(alpha * inputs), seed=seed)
    return BinaryPerceptron(inputs, data.x_train, data.y_train)


def build_pyqubo(
    patterns: np.ndarray, labels: np.ndarray, kappa: int, coefficients: np.ndarray
) -> tuple[dimod.BinaryQuadraticModel, dict[str, float]]:
    """PyQUBO's BQM of the slack QUBO from numpy data, with the time of each phase."""
    start = time.perf_counter()
    columns = labels[:, None].astype(np.float64) * patterns  # y_μ ξ_μi
    c = coefficients.astype(np.float64)
    x = pyqubo.Array.create("x", shape=patterns.shape[1], vartype="BINARY")
    z = pyqubo.Array.create("z", shape=(patterns.shape[0], len(c)), vartype="BINARY")
    w = 2 * x - 1
    energy = 0
    for mu in range(patterns.shape[0]):
        energy += (w.dot(columns[mu]) - kappa - 2 * z[mu].dot(c)) ** 2
    built = time.perf_counter()
    compiled = energy.compile()
    done_compile = time.perf_counter()
    bqm = compiled.to_bqm()
    end = time.perf_counter()
    phases = {
        "expression": built - start,
        "compile": done_compile - built,
        "to_bqm": end - done_compile,
        "total": end - start,
    }
    return bqm, phases


def pyqubo_names(num_inputs: int, num_patterns: int, bits: int) -> dict[str, str]:
    """PyQUBO label → qanneal label: x[i] → w[i], z[μ][k] → u[μ,k]."""
    names = {f"x[{i}]": f"w[{i}]" for i in range(num_inputs)}
    names.update(
        (f"z[{mu}][{k}]", f"u[{mu},{k}]") for mu in range(num_patterns) for k in range(bits)
    )
    return names


# ---------------------------------------------------------------------------
# timing


def best_time(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> tuple[float, Any]:
    """Best wall-clock time of ``repeats`` calls after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def time_qanneal(model: BinaryPerceptron, repeats: int) -> tuple[SlackQubo, dict[str, float]]:
    """Best time of ``build_slack_qubo``, then its numpy / dimod split in a second pass.

    The first (warm-up) call is timed too and reported as ``first_call``.
    """
    first_call, _ = best_time(lambda: build_slack_qubo(model), 1, warmup=0)
    total, qubo = best_time(lambda: build_slack_qubo(model), repeats, warmup=0)
    split = profile_qanneal(model, repeats)
    return qubo, {"total": total, "first_call": first_call, **split}


def profile_qanneal(model: BinaryPerceptron, repeats: int) -> dict[str, float]:
    """Split of the fastest of ``repeats`` calls: dimod's ``from_numpy_vectors`` vs the rest.

    The dimod call is timed where ``build_slack_qubo`` makes it (same arrays, same memory
    state) by wrapping it; this pass is separate so the wrapper never touches the headline.
    """
    original = dimod.BinaryQuadraticModel.from_numpy_vectors
    inner: list[float] = []

    def timed(*args: Any, **kwargs: Any) -> dimod.BinaryQuadraticModel:
        start = time.perf_counter()
        bqm = original(*args, **kwargs)
        inner.append(time.perf_counter() - start)
        return bqm

    runs = []
    with mock.patch.object(dimod.BinaryQuadraticModel, "from_numpy_vectors", timed):
        for _ in range(repeats):
            seconds, _ = best_time(lambda: build_slack_qubo(model), 1, warmup=0)
            runs.append((seconds, inner[-1]))
    seconds, dimod_part = min(runs)
    return {
        "profiled_total": seconds,
        "from_numpy_vectors": dimod_part,
        "numpy": seconds - dimod_part,
    }


def time_pyqubo(
    model: BinaryPerceptron, repeats: int
) -> tuple[dimod.BinaryQuadraticModel, dict[str, float]]:
    """Best of ``repeats`` PyQUBO constructions (no warm-up: each run takes seconds).

    κ' and the slack code come from qanneal's ``slack_parameters``, outside the timing.
    """
    kappa, _, coefficients = slack_parameters(model.fan_in, 0.0)
    runs = [build_pyqubo(model.patterns, model.labels, kappa, coefficients) for _ in range(repeats)]
    return min(runs, key=lambda run: run[1]["total"])


# ---------------------------------------------------------------------------
# equality check


def _coupling_table(
    bqm: dimod.BinaryQuadraticModel, order: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keys, values, linear) in ``order``; a coupling's key is lo * n + hi."""
    linear, (row, col, values), _ = bqm.to_numpy_vectors(variable_order=order)
    lo, hi = np.minimum(row, col).astype(np.int64), np.maximum(row, col).astype(np.int64)
    return lo * len(order) + hi, np.asarray(values, dtype=np.float64), linear


def max_bias_differences(
    ours: dimod.BinaryQuadraticModel, theirs: dimod.BinaryQuadraticModel, order: list[str]
) -> tuple[float, float]:
    """Largest |linear| and |quadratic| bias difference (missing couplings count as 0)."""
    keys_a, values_a, linear_a = _coupling_table(ours, order)
    keys_b, values_b, linear_b = _coupling_table(theirs, order)
    keys, inverse = np.unique(np.concatenate([keys_a, keys_b]), return_inverse=True)
    diff = np.bincount(inverse, weights=np.concatenate([values_a, -values_b]), minlength=len(keys))
    linear_diff = float(np.abs(linear_a - linear_b).max(initial=0.0))
    return linear_diff, float(np.abs(diff).max(initial=0.0))


def max_energy_difference(
    ours: dimod.BinaryQuadraticModel,
    theirs: dimod.BinaryQuadraticModel,
    order: list[str],
    seed: int,
) -> float:
    """Largest |E_ours − E_theirs − Δoffset| over random binary samples."""
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, 2, size=(ENERGY_SAMPLES, len(order)), dtype=np.int8)
    energies_a = ours.energies((samples, order))
    energies_b = theirs.energies((samples, order))
    shift = ours.offset - theirs.offset
    scale = np.maximum(1.0, np.abs(energies_a))
    return float((np.abs(energies_a - energies_b - shift) / scale).max())


def compare(qubo: SlackQubo, theirs: dimod.BinaryQuadraticModel, seed: int) -> dict[str, Any]:
    """Check the relabelled PyQUBO BQM against qanneal's (see the module docstring)."""
    ours = qubo.bqm
    order = qubo.weight_labels + qubo.slack_labels
    same_variables = set(ours.variables) == set(theirs.variables) and ours.vartype == theirs.vartype
    report: dict[str, Any] = {
        "same_variables": same_variables,
        "interactions_pyqubo": theirs.num_interactions,
        "zero_couplings_pyqubo": int(np.count_nonzero(theirs.to_numpy_vectors()[1][2] == 0)),
        "offset_difference": float(ours.offset - theirs.offset),
    }
    if not same_variables:
        return {**report, "equal": False}
    linear_diff, quadratic_diff = max_bias_differences(ours, theirs, order)
    energy_diff = max_energy_difference(ours, theirs, order, seed)
    equal = max(linear_diff, quadratic_diff, energy_diff) <= TOLERANCE
    return {
        **report,
        "max_linear_difference": linear_diff,
        "max_quadratic_difference": quadratic_diff,
        "max_relative_energy_difference": energy_diff,
        "energy_samples": ENERGY_SAMPLES,
        "equal": equal,
    }


# ---------------------------------------------------------------------------
# provenance and output


def print_table(record: dict[str, Any]) -> None:
    inst, q, p, check = record["instance"], record["qanneal"], record["pyqubo"], record["check"]
    yes = {True: "yes", False: "no"}
    rows = [
        (
            "instance",
            f"N={inst['inputs']}, P={inst['patterns']}, alpha={inst['alpha']}, "
            f"seed={inst['seed']}, kappa'={inst['kappa']}, slack bits={inst['bits']}",
        ),
        ("variables", f"{inst['variables']}"),
        (
            "interactions",
            f"{inst['interactions']} (qanneal), {check['interactions_pyqubo']} (pyqubo, "
            f"{check['zero_couplings_pyqubo']} of them explicit zeros)",
        ),
        (
            "qanneal time",
            f"{q['total'] * 1e3:.1f} ms (best of {q['repeats']}; "
            f"first call {q['first_call'] * 1e3:.1f} ms)",
        ),
        (
            "qanneal split",
            f"numpy {q['numpy'] * 1e3:.1f} ms + dimod from_numpy_vectors "
            f"{q['from_numpy_vectors'] * 1e3:.1f} ms (of {q['profiled_total'] * 1e3:.1f} ms, "
            "separate pass)",
        ),
        (
            "pyqubo time",
            f"{p['total']:.2f} s  (expression {p['expression']:.2f} s, compile "
            f"{p['compile']:.2f} s, to_bqm {p['to_bqm']:.2f} s)",
        ),
        ("ratio", f"{record['speedup']:.0f}x"),
        ("equal", f"{yes[check['equal']]}  (offset difference {check['offset_difference']:g})"),
        ("target met", f"{yes[record['target_met']]}  (>= {TARGET_SPEEDUP:.0f}x)"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"wrote {record['result_path']}")


# ---------------------------------------------------------------------------
# command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=301, help="N (default 301)")
    parser.add_argument("--alpha", type=float, default=0.5, help="P / N (default 0.5)")
    parser.add_argument("--seed", type=int, default=0, help="data seed (default 0)")
    parser.add_argument("--repeats", type=int, default=5, help="qanneal repeats (default 5)")
    parser.add_argument("--pyqubo-repeats", type=int, default=1, help="PyQUBO runs (default 1)")
    parser.add_argument("--json", action="store_true", help="print the JSON record")
    args = parser.parse_args(argv)
    if min(args.inputs, args.repeats, args.pyqubo_repeats) < 1 or args.alpha <= 0:
        parser.error("--inputs, --repeats and --pyqubo-repeats must be >= 1 and --alpha > 0")
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    host = machine()  # before the timings, so the load average is the background load
    model = make_model(args.inputs, args.alpha, args.seed)
    qubo, qanneal_times = time_qanneal(model, args.repeats)
    raw, pyqubo_times = time_pyqubo(model, args.pyqubo_repeats)
    names = pyqubo_names(model.num_inputs, model.patterns.shape[0], len(qubo.coefficients))
    check = compare(qubo, raw.relabel_variables(names, inplace=False), args.seed)
    speedup = pyqubo_times["total"] / qanneal_times["total"]
    return {
        "benchmark": "build_slack",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "dirty": git_dirty(),
        "machine": host,
        "versions": versions(*VERSIONS),
        "instance": {
            "inputs": model.num_inputs,
            "patterns": int(model.patterns.shape[0]),
            "alpha": args.alpha,
            "seed": args.seed,
            "bias": False,
            "kappa": qubo.kappa,
            "u_max": qubo.u_max,
            "bits": len(qubo.coefficients),
            "variables": qubo.bqm.num_variables,
            "interactions": qubo.bqm.num_interactions,
        },
        "qanneal": {**qanneal_times, "repeats": args.repeats, "warmup": 1},
        "pyqubo": {**pyqubo_times, "repeats": args.pyqubo_repeats},
        "speedup": speedup,
        "target_speedup": TARGET_SPEEDUP,
        "target_met": speedup >= TARGET_SPEEDUP,
        "check": check,
        "result_path": str(RESULT_PATH.relative_to(ROOT)),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if pyqubo is None:
        print("pyqubo is not installed; run: pip install '.[bench]'", file=sys.stderr)
        return 2
    record = run(args)
    write_atomically(RESULT_PATH, record)
    if args.json:
        print(json.dumps(record, indent=2))
    else:
        print_table(record)
    return 0 if record["check"]["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
