"""The Kulikovskikh–Legović experiment: a sigmoid neuron against LIGHT-regulated replicas.

Setup (the paper's "Experimental design", with our choices where it is silent):

- data: :func:`~qanneal.models.datasets.synthetic2d`, m = 1000 points in 2-D (two
  Gaussian classes at ±(1, 1); the paper does not say how it drew its data), 80/20
  split, a fresh data set per run ("a set of synthetic datasets");
- model: one logistic neuron p = σ(w·x + b) on the cross-entropy;
- contestants: ``sigmoid`` — the plain neuron trained by mini-batch gradient descent
  (the classical world, Figure 1a without replicas), and M replicas (default 5)
  coupled on a ring with each regulation mode of Figure 1: ``none`` (constant ρ_max),
  ``growth``, ``harvesting``, ``growth+harvesting`` (ρ = ρ_max·LIGHT, the LIGHT neuron);
- optimisers SGD, Adam, Adagrad with default parameters; mini-batches of 75 split over
  the M Trotter slices (15 each for M = 5);
- accuracy of the replicas' centre on the training and test sets after every epoch,
  averaged over runs. Within a run every contestant sees the same data and the same
  seed (paired comparison).

The summary gives, per optimiser and contestant, the final and the epoch-averaged test
accuracy (mean ± standard deviation over runs) and the paired difference to ``sigmoid``
(mean ± standard error, and wins/ties/losses), so that "does regulation help" is
answered by numbers.

Example:
    >>> out = run_light_experiment(runs=2, epochs=2, optimizers=("sgd",), points=100)
    >>> sorted(out["curves"]["sgd"]), len(out["curves"]["sgd"]["sigmoid"]["test_accuracy"]["mean"])
    (['growth', 'growth+harvesting', 'harvesting', 'none', 'sigmoid'], 3)
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qanneal.errors import OutputError, TrainingError
from qanneal.files import write_new_file
from qanneal.learning.light.models import LogisticNeuron
from qanneal.learning.light.neuron import REGULATION_MODES
from qanneal.learning.light.optim import OPTIMIZERS
from qanneal.learning.light.replicas import TrainingConfig, TrainingResult, train_replicas
from qanneal.models.datasets import synthetic2d

BASELINE = "sigmoid"
CONTESTANTS: tuple[str, ...] = (BASELINE, *REGULATION_MODES)
METRICS: tuple[str, ...] = (
    "train_accuracy",
    "test_accuracy",
    "train_loss",
    "test_loss",
    "spread",
    "rho",
    "binary_train_accuracy",
    "binary_test_accuracy",
)
Progress = Callable[[int, int], None]


def _flatten(epoch: dict[str, Any]) -> dict[str, float]:
    centre, binary = epoch["centre"], epoch["binary"]
    return {
        "train_accuracy": centre["train_accuracy"],
        "test_accuracy": centre["test_accuracy"],
        "train_loss": centre["train_loss"],
        "test_loss": centre["test_loss"],
        "spread": epoch["spread"],
        "rho": epoch["rho"],
        "binary_train_accuracy": binary["train_accuracy"],
        "binary_test_accuracy": binary["test_accuracy"],
    }


def _check_choices(name: str, given: Sequence[str], allowed: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(given)
    bad = [value for value in chosen if value not in allowed]
    if bad or not chosen:
        raise TrainingError(
            f"{name} {', '.join(map(repr, bad)) or '(none)'} not known; "
            f"choose from {', '.join(allowed)}"
        )
    return tuple(dict.fromkeys(chosen))


def _one_run(
    contestant: str, optimizer: str, data: Any, seed: int, settings: dict[str, Any]
) -> TrainingResult:
    neuron = LogisticNeuron(2, data.x_train, data.y_train)
    replicas = 1 if contestant == BASELINE else settings["replicas"]
    mode = "none" if contestant == BASELINE else contestant
    config = TrainingConfig(
        replicas=replicas,
        mode=mode,
        optimizer=optimizer,
        epochs=settings["epochs"],
        batch_size=settings["batch_size"],
        rho_max=settings["rho_max"],
        topology=settings["topology"],
    )
    return train_replicas(neuron, data, config, seed=seed)


def run_light_experiment(
    *,
    runs: int = 10,
    epochs: int = 50,
    optimizers: Sequence[str] = OPTIMIZERS,
    contestants: Sequence[str] = CONTESTANTS,
    replicas: int = 5,
    topology: str = "ring",
    rho_max: float | None = None,
    batch_size: int = 75,
    points: int = 1000,
    test_fraction: float = 0.2,
    separation: float = 1.0,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run the experiment; returns settings, per-epoch curves, a summary and raw rows.

    ``curves[optimizer][contestant][metric]`` holds ``mean`` and ``std`` over runs per
    epoch (epoch 0 is the initial state); ``summary`` one row per optimizer ×
    contestant; ``rows`` every run × epoch (what :func:`write_light_outputs` saves as CSV).
    """
    for name, value, minimum in (("runs", runs, 1), ("epochs", epochs, 1), ("points", points, 4)):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise TrainingError(f"{name} = {value!r} must be an integer >= {minimum}")
    optimizers = _check_choices("optimizer", optimizers, OPTIMIZERS)
    contestants = _check_choices("contestant", contestants, CONTESTANTS)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise TrainingError(f"seed = {seed!r} must be an integer >= 0")
    settings = {
        "runs": runs,
        "epochs": epochs,
        "optimizers": list(optimizers),
        "contestants": list(contestants),
        "replicas": replicas,
        "topology": topology,
        "rho_max": rho_max,
        "batch_size": batch_size,
        "points": points,
        "test_fraction": test_fraction,
        "separation": separation,
        "seed": seed,
    }
    run_seeds = np.random.SeedSequence(seed).generate_state(2 * runs).reshape(runs, 2)
    values: dict[tuple[str, str], list[list[dict[str, float]]]] = {
        (o, c): [] for o in optimizers for c in contestants
    }
    rows: list[dict[str, Any]] = []
    total, done = runs * len(optimizers) * len(contestants), 0
    for run, (data_seed, train_seed) in enumerate(run_seeds):
        data = synthetic2d(
            points, seed=int(data_seed), test_fraction=test_fraction, separation=separation
        )
        for optimizer in optimizers:
            for contestant in contestants:
                result = _one_run(contestant, optimizer, data, int(train_seed), settings)
                curve = [_flatten(epoch) for epoch in result.epochs]
                values[optimizer, contestant].append(curve)
                rows += [
                    {"run": run, "optimizer": optimizer, "contestant": contestant, "epoch": e, **m}
                    for e, m in enumerate(curve)
                ]
                done += 1
                if progress is not None:
                    progress(done, total)
    curves = {o: {c: _aggregate(values[o, c]) for c in contestants} for o in optimizers}
    return {
        "experiment": "light",
        "settings": settings,
        "curves": curves,
        "summary": _summary(values, optimizers, contestants),
        "rows": rows,
    }


def _aggregate(per_run: list[list[dict[str, float]]]) -> dict[str, dict[str, list[float]]]:
    out = {}
    for metric in METRICS:
        table = np.array([[epoch[metric] for epoch in run] for run in per_run], dtype=np.float64)
        out[metric] = {
            "mean": table.mean(axis=0).tolist(),
            "std": table.std(axis=0).tolist(),
        }
    return out


def _summary(
    values: dict[tuple[str, str], list[list[dict[str, float]]]],
    optimizers: Sequence[str],
    contestants: Sequence[str],
) -> list[dict[str, Any]]:
    rows = []
    for optimizer in optimizers:
        base = values.get((optimizer, BASELINE))
        for contestant in contestants:
            runs = values[optimizer, contestant]
            final = np.array([run[-1]["test_accuracy"] for run in runs])
            train = np.array([run[-1]["train_accuracy"] for run in runs])
            average = np.array([np.mean([e["test_accuracy"] for e in run[1:]]) for run in runs])
            row: dict[str, Any] = {
                "optimizer": optimizer,
                "contestant": contestant,
                "final_test_accuracy": float(final.mean()),
                "final_test_accuracy_std": float(final.std()),
                "final_train_accuracy": float(train.mean()),
                "mean_test_accuracy": float(average.mean()),
                "final_binary_test_accuracy": float(
                    np.mean([run[-1]["binary_test_accuracy"] for run in runs])
                ),
                "final_spread": float(np.mean([run[-1]["spread"] for run in runs])),
            }
            if base is not None and contestant != BASELINE:
                base_final = np.array([run[-1]["test_accuracy"] for run in base])
                base_average = np.array(
                    [np.mean([e["test_accuracy"] for e in run[1:]]) for run in base]
                )
                row.update(_paired("final", final - base_final))
                row.update(_paired("mean", average - base_average))
            rows.append(row)
    return rows


def _paired(name: str, differences: np.ndarray) -> dict[str, Any]:
    """Mean paired difference to the baseline, its standard error, wins/ties/losses."""
    n = len(differences)
    error = float(differences.std(ddof=1) / math.sqrt(n)) if n > 1 else None
    return {
        f"{name}_diff_vs_sigmoid": float(differences.mean()),
        f"{name}_diff_stderr": error,
        f"{name}_wins_ties_losses": [
            int(np.sum(differences > 1e-12)),
            int(np.sum(np.abs(differences) <= 1e-12)),
            int(np.sum(differences < -1e-12)),
        ],
    }


def summary_table(result: dict[str, Any]) -> str:
    """The summary as aligned text (what the CLI prints).

    >>> out = run_light_experiment(runs=2, epochs=1, optimizers=("adam",), points=40)
    >>> summary_table(out).splitlines()[0].split()[:3]
    ['optimizer', 'contestant', 'test(final)']
    """
    header = (
        f"{'optimizer':<9} {'contestant':<18} {'test(final)':>15} {'train(final)':>12} "
        f"{'test(mean)':>10} {'Δ vs sigmoid (final)':>22} {'W/T/L':>8} {'spread':>8}"
    )
    lines = [header]
    for row in result["summary"]:
        diff = ""
        wtl = ""
        if "final_diff_vs_sigmoid" in row:
            error = row["final_diff_stderr"]
            diff = f"{row['final_diff_vs_sigmoid']:+.4f}" + (
                "" if error is None else f" ± {error:.4f}"
            )
            wtl = "/".join(str(v) for v in row["final_wins_ties_losses"])
        lines.append(
            f"{row['optimizer']:<9} {row['contestant']:<18} "
            f"{row['final_test_accuracy']:>7.4f} ± {row['final_test_accuracy_std']:.3f} "
            f"{row['final_train_accuracy']:>12.4f} {row['mean_test_accuracy']:>10.4f} "
            f"{diff:>22} {wtl:>8} {row['final_spread']:>8.2g}"
        )
    return "\n".join(lines)


def rows_csv(rows: list[dict[str, Any]]) -> str:
    """Every run × epoch as CSV text."""
    stream = io.StringIO()
    fields = ["run", "optimizer", "contestant", "epoch", *METRICS]
    writer = csv.DictWriter(stream, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


def write_light_outputs(
    result: dict[str, Any], out_dir: str | Path, *, plots: bool = True
) -> list[Path]:
    """Save ``light.json`` (settings, curves, summary), ``light_epochs.csv`` (every run ×
    epoch) and, with matplotlib, ``light_fig2.png`` and ``light_accuracy.png`` in
    ``out_dir`` (created if missing). Existing files are never overwritten (OutputError)."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create output directory {out}: {error.strerror}") from None
    paths = [out / "light.json", out / "light_epochs.csv"]
    if plots:
        paths += [out / "light_fig2.png", out / "light_accuracy.png"]
    existing = [str(p) for p in paths if p.exists()]
    if existing:
        raise OutputError(f"{', '.join(existing)} already exist(s); choose another --out directory")
    document = {k: v for k, v in result.items() if k != "rows"}
    contents: list[str | bytes] = [json.dumps(document, indent=1) + "\n", rows_csv(result["rows"])]
    if plots:  # render first, so that a plotting failure leaves no partial output
        from qanneal.learning.light.plots import accuracy_figure, fig2_figure

        contents += [fig2_figure(result), accuracy_figure(result)]
    for path, content in zip(paths, contents, strict=True):
        write_new_file(path, content)
    return paths
