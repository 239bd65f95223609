"""Benchmark: the Kulikovskikh–Legović experiment (sigmoid neuron vs LIGHT-regulated replicas).

What is measured
    (a) The paper's experiment (``qanneal.learning.light.experiment``): synthetic 2-D data,
        m = 1000 points, 80/20 split, a fresh data set per run; one logistic neuron; the
        plain sigmoid neuron (mini-batch GD, batch 75) against M = 5 ring-coupled replicas
        in the four regulation modes of the paper's Figure 1 (none, growth, harvesting,
        growth+harvesting = the LIGHT neuron); SGD / Adam / Adagrad with default parameters;
        batch 75 split over the 5 Trotter slices; test/train accuracy of the replicas'
        centre after every epoch, mean ± sd over ``--runs`` runs. Paired differences to
        the sigmoid neuron (same data, same seed) with standard errors.
    (b) Coupling strength: the same with η·ρ_max ∈ {0.01, 0.1, 1, 10} (η the learning
        rate; the default of (a) is η·ρ_max = 1), modes none and growth+harvesting.
    (c) A non-convex case the paper points at: the binary perceptron storage problem
        (N = 101 random ±1 patterns, P = αN, hinge loss on real latent weights), scored
        by the training errors of the sign-binarised centre — the number SA/PIMC are
        judged by. Plain GD vs 5 replicas per mode; α = 0.5 with the real forward pass
        and α = 0.65 with BinaryConnect (``forward="binary"``); Adam, η = 0.01, batch 10,
        200 epochs; a fresh instance per run. Reference: qanneal's native SA (perclinear,
        10 reads × 1000 sweeps) on the same instances.
    (d) A control for (a): where does the replicas' early lead come from? The setup of
        (a) without regulation (mode none), with the replicas started at one shared point
        (``init="shared"``), and a single sigmoid neuron started at the scale of the mean
        of 5 independent starts (0.1/√5). Epoch-averaged test accuracy, paired to (a)'s
        sigmoid neuron.

How to run (from the repository root)
    pip install '.[plot]'
    python benchmarks/light.py [--runs 10] [--epochs 50] [--quick] [--json]

It prints tables and writes ``benchmarks/results/light.json`` (``light_quick.json`` with
``--quick``) and, for the full run, ``benchmarks/results/light_fig2.png`` and
``light_accuracy.png`` (the paper's Figure 2 and accuracy vs epoch with bands).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from _common import git_commit, write_atomically, write_bytes_atomically

import qanneal
from qanneal.learning.light.experiment import (
    CONTESTANTS,
    run_light_experiment,
    summary_table,
)
from qanneal.learning.light.optim import OPTIMIZERS, default_lr
from qanneal.learning.light.replicas import train_problem
from qanneal.problem import problem_from_dict

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def part_a(runs: int, epochs: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    result = run_light_experiment(runs=runs, epochs=epochs, seed=seed)
    result.pop("rows")
    for per_optimizer in result["curves"].values():  # keep the JSON small: accuracies and ρ
        for contestant, metrics in per_optimizer.items():
            per_optimizer[contestant] = {
                k: v for k, v in metrics.items() if k in ("train_accuracy", "test_accuracy", "rho")
            }
    result["seconds"] = time.perf_counter() - started
    return result


def part_b(runs: int, epochs: int, seed: int) -> dict[str, Any]:
    rows = []
    started = time.perf_counter()
    for optimizer in OPTIMIZERS:
        for strength in (0.01, 0.1, 1.0, 10.0):
            out = run_light_experiment(
                runs=runs,
                epochs=epochs,
                seed=seed,
                optimizers=(optimizer,),
                contestants=("sigmoid", "none", "growth+harvesting"),
                rho_max=strength / default_lr(optimizer),
            )
            for row in out["summary"]:
                if row["contestant"] != "sigmoid":
                    rows.append({"lr_times_rho_max": strength, **row})
    return {"rows": rows, "seconds": time.perf_counter() - started}


def _perceptron(alpha: float, seed: int) -> Any:
    return problem_from_dict(
        {
            "model": {"type": "perceptron", "inputs": 101},
            "data": {"source": "random", "alpha": alpha, "seed": seed},
            "loss": {"type": "perclinear"},
            "solve": {"sampler": "sa", "num_reads": 10, "num_sweeps": 1000},
        }
    )


def part_c(runs: int, epochs: int) -> dict[str, Any]:
    settings = {"optimizer": "adam", "lr": 0.01, "batch_size": 10, "epochs": epochs}
    table = []
    started = time.perf_counter()
    for alpha, forward in ((0.5, "real"), (0.65, "binary")):
        problems = [_perceptron(alpha, 100 + run) for run in range(runs)]
        sa = [
            qanneal.solve(p, "sa", seed=run, save=False)["success_rate"]
            for run, p in enumerate(problems)
        ]
        table.append(
            {
                "alpha": alpha,
                "forward": "SA (perclinear, 10 reads x 1000 sweeps)",
                "contestant": "sa",
                "success_rate": float(np.mean(sa)),
            }
        )
        for contestant in CONTESTANTS:
            extra = (
                {"replicas": 1} if contestant == "sigmoid" else {"replicas": 5, "mode": contestant}
            )
            final, best, seconds = [], [], []
            for run, problem in enumerate(problems):
                result = train_problem(
                    problem, seed=run, loss="hinge", forward=forward, **settings, **extra
                )
                errors = [e["binary"]["train_errors"] for e in result.epochs[1:]]
                final.append(errors[-1])
                best.append(min(errors))
                seconds.append(result.seconds)
            table.append(
                {
                    "alpha": alpha,
                    "forward": forward,
                    "contestant": "plain GD" if contestant == "sigmoid" else contestant,
                    "final_errors_mean": float(np.mean(final)),
                    "best_epoch_errors_mean": float(np.mean(best)),
                    "final_zero_error_share": float(np.mean(np.array(final) == 0)),
                    "best_epoch_zero_error_share": float(np.mean(np.array(best) == 0)),
                    "seconds_per_run": float(np.mean(seconds)),
                }
            )
    return {"settings": settings, "rows": table, "seconds": time.perf_counter() - started}


def part_d(runs: int, epochs: int, seed: int) -> dict[str, Any]:
    from qanneal.learning.light.models import LogisticNeuron
    from qanneal.learning.light.replicas import TrainingConfig, train_replicas
    from qanneal.models.datasets import synthetic2d

    variants = {
        "sigmoid": {"replicas": 1},
        "5 replicas, independent starts": {"replicas": 5},
        "5 replicas, shared start": {"replicas": 5, "init": "shared"},
        "sigmoid, start scale 0.1/sqrt(5)": {"replicas": 1, "init_scale": 0.1 / 5**0.5},
    }
    # the same data and training seeds as run_light_experiment(seed=seed)
    run_seeds = np.random.SeedSequence(seed).generate_state(2 * runs).reshape(runs, 2)
    rows = []
    started = time.perf_counter()
    for optimizer in OPTIMIZERS:
        averages: dict[str, np.ndarray] = {}
        for name, extra in variants.items():
            values = []
            for data_seed, train_seed in run_seeds:
                data = synthetic2d(1000, seed=int(data_seed), test_fraction=0.2)
                neuron = LogisticNeuron(2, data.x_train, data.y_train)
                config = TrainingConfig(optimizer=optimizer, epochs=epochs, **extra)
                result = train_replicas(neuron, data, config, seed=int(train_seed))
                values.append(np.mean([e["centre"]["test_accuracy"] for e in result.epochs[1:]]))
            averages[name] = np.array(values)
        for name, values in averages.items():
            diff = values - averages["sigmoid"]
            rows.append(
                {
                    "optimizer": optimizer,
                    "variant": name,
                    "mean_test_accuracy": float(values.mean()),
                    "diff_vs_sigmoid": float(diff.mean()),
                    "diff_stderr": float(diff.std(ddof=1) / len(diff) ** 0.5) if runs > 1 else None,
                }
            )
    return {"rows": rows, "seconds": time.perf_counter() - started}


def print_d(rows: list[dict[str, Any]]) -> None:
    print(f"{'optimizer':<9} {'variant':<34} {'test(mean over epochs)':>22} {'Δ vs sigmoid':>18}")
    for r in rows:
        error = "" if r["diff_stderr"] is None else f" ± {r['diff_stderr']:.4f}"
        print(
            f"{r['optimizer']:<9} {r['variant']:<34} {r['mean_test_accuracy']:>22.4f} "
            f"{r['diff_vs_sigmoid']:>+9.4f}{error}"
        )


def print_b(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'optimizer':<9} {'ηρ_max':>7} {'contestant':<18} {'test(final)':>11} "
        f"{'Δ vs sigmoid':>18} {'Δ(mean over epochs)':>20} {'spread':>8}"
    )
    for r in rows:
        print(
            f"{r['optimizer']:<9} {r['lr_times_rho_max']:>7g} {r['contestant']:<18} "
            f"{r['final_test_accuracy']:>11.4f} "
            f"{r['final_diff_vs_sigmoid']:>+9.4f} ± {r['final_diff_stderr']:.4f} "
            f"{r['mean_diff_vs_sigmoid']:>+11.4f} ± {r['mean_diff_stderr']:.4f} "
            f"{r['final_spread']:>8.2g}"
        )


def print_c(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'alpha':>5} {'forward':<8} {'contestant':<18} {'errors(final)':>13} "
        f"{'errors(best ep.)':>16} {'solved(final)':>13} {'solved(best)':>12}"
    )
    for r in rows:
        if r["contestant"] == "sa":
            print(
                f"{r['alpha']:>5} {'—':<8} {'SA reference':<18} {'':>13} {'':>16} "
                f"{r['success_rate']:>13.2f}  (share of SA reads with 0 errors)"
            )
            continue
        print(
            f"{r['alpha']:>5} {r['forward']:<8} {r['contestant']:<18} "
            f"{r['final_errors_mean']:>13.1f} {r['best_epoch_errors_mean']:>16.1f} "
            f"{r['final_zero_error_share']:>13.2f} {r['best_epoch_zero_error_share']:>12.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="2 runs, 5 epochs, no figures")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    runs, epochs = (2, 5) if args.quick else (args.runs, args.epochs)
    record: dict[str, Any] = {
        "benchmark": "light",
        "commit": git_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
    }
    record["paper"] = part_a(runs, epochs, args.seed)
    record["coupling_strength"] = part_b(runs, epochs, args.seed)
    record["binary_perceptron"] = part_c(runs, 40 if args.quick else 200)
    record["init_control"] = part_d(runs, epochs, args.seed)
    name = "light_quick.json" if args.quick else "light.json"
    write_atomically(RESULTS / name, record)
    if not args.quick:
        from qanneal.learning.light.plots import accuracy_figure, fig2_figure

        write_bytes_atomically(RESULTS / "light_fig2.png", fig2_figure(record["paper"]))
        write_bytes_atomically(RESULTS / "light_accuracy.png", accuracy_figure(record["paper"]))
    if args.json:
        print(json.dumps(record, indent=1))
        return 0
    print("(a) the paper's experiment")
    print(summary_table(record["paper"]))
    print("\n(b) coupling strength η·ρ_max")
    print_b(record["coupling_strength"]["rows"])
    print("\n(c) binary perceptron N=101: training errors of the sign-binarised centre")
    print_c(record["binary_perceptron"]["rows"])
    print("\n(d) control: shared vs independent starts (epoch-averaged test accuracy)")
    print_d(record["init_control"]["rows"])
    print(f"\nwrote {RESULTS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
