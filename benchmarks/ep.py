"""Benchmark: equilibrium propagation (qanneal.learning.ep), thermal and quantum.

Parts
    bias      the symmetric nudged estimator against finite differences of the exact
              ⟨C⟩ on a 2-3-1 network (6 spins), thermal (T = 1, enumeration) and quantum
              (Γ = 0.7, diagonalisation), for β = 0.4 … 0.025: max |error| should fall
              ~4x per halving (O(β²)); plus the RMS error of each sampled estimator
              (4000 reads, SA / PIMC at fixed temperature) against the exact gradient.
    xor       a 2-4-1 network on XOR from ``--seeds`` random initialisations with
              thermal nudged EP + SA, the covariance rule + SA and + PIMC (trotter 1),
              quantum EP by diagonalisation (Γ = 0.5) and, for seed 0 only, quantum EP
              by PIMC: share of seeds at 100 % accuracy, epochs to get there, time.
    digits    digits 0-vs-1 (16 pooled ±1 inputs, 288 train / 72 test, 3 data seeds),
              16-4-1 network, nudged EP + SA and covariance rule + SA: test accuracy.
    mock-qpu  the effective inverse temperature (maximum pseudo-likelihood) of mock-qpu
              samples of the XOR batch BQM, against SA at β = 2: whether the mock can
              serve as a Boltzmann sampler (``--mock-only`` re-measures just this).

Target (issue 8): ≥ 95 % test accuracy on digits with thermal EP and SA samples;
XOR learned by thermal EP (SA) and by quantum EP (≤ 10 spins, diagonalisation).

How to run (from the repository root)
    python benchmarks/ep.py [--seeds 8] [--quick]

Writes ``benchmarks/results/ep.json`` (``ep_quick.json`` with --quick) and the
learning curves ``ep-xor.png``, ``ep-digits.png`` and the bias plot ``ep-bias.png``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import git_commit, write_atomically

from qanneal.learning.ep.config import XOR_INPUTS, XOR_LABELS
from qanneal.learning.ep.network import IsingNetwork
from qanneal.learning.ep.quantum import QuantumNetwork, ground_state_cost, quantum_nudged_gradient
from qanneal.learning.ep.rules import (
    covariance_gradient,
    exact_mean_cost,
    finite_difference_gradient,
    nudged_gradient,
)
from qanneal.learning.ep.thermal import BQMPhases, ExactPhases, effective_beta, samples_in_order
from qanneal.learning.ep.training import TrainSettings, train
from qanneal.models.datasets import digits

RESULTS = Path(__file__).parent / "results"
XOR = (XOR_INPUTS, XOR_LABELS, XOR_INPUTS, XOR_LABELS)
BETAS = [0.4, 0.2, 0.1, 0.05, 0.025]


def bias_part() -> dict[str, Any]:
    rng = np.random.default_rng(1)
    net = IsingNetwork.layered(2, [3], 1, seed=3)
    net = net.with_parameters(net.parameters + rng.normal(0, 0.4, net.num_parameters))
    x, y = XOR_INPUTS[:3], XOR_LABELS[:3].astype(float)
    exact = finite_difference_gradient(
        lambda t: exact_mean_cost(net.with_parameters(t), x, y, 1.0), net.parameters
    )
    thermal = [
        float(np.abs(nudged_gradient(net, x, y, ExactPhases(), 1.0, b) - exact).max())
        for b in BETAS
    ]
    qnet = QuantumNetwork(net, 0.7)
    qexact = finite_difference_gradient(
        lambda t: ground_state_cost(qnet.with_parameters(t), x, y), qnet.parameters
    )
    quantum = [float(np.abs(quantum_nudged_gradient(qnet, x, y, b) - qexact).max()) for b in BETAS]
    sampled = {}
    for name in ("sa", "pimc"):
        sampler = BQMPhases(name, num_reads=4000, num_sweeps=100)
        nudged = nudged_gradient(net, x, y, sampler, 1.0, 0.3, np.random.default_rng(0))
        covariance = covariance_gradient(net, x, y, sampler, 1.0, np.random.default_rng(1))
        sampled[name] = {
            "nudged_beta_0.3_rms_error": float(np.sqrt(np.mean((nudged - exact) ** 2))),
            "covariance_rms_error": float(np.sqrt(np.mean((covariance - exact) ** 2))),
        }
    return {
        "betas": BETAS,
        "thermal_max_error": thermal,
        "quantum_max_error": quantum,
        "gradient_rms": float(np.sqrt(np.mean(exact**2))),
        "sampled_4000_reads": sampled,
    }


XOR_METHODS = {
    "nudged+sa": dict(rule="nudged", sampler="sa", temperature=0.5, beta=0.5, learning_rate=0.2),
    "covariance+sa": dict(rule="covariance", sampler="sa", temperature=0.5, learning_rate=0.2),
    "covariance+pimc": dict(rule="covariance", sampler="pimc", temperature=0.5, learning_rate=0.2),
    "quantum+exact": dict(
        rule="quantum", sampler="exact", beta=0.1, learning_rate=0.3, transverse_field=0.5
    ),
    "quantum+pimc": dict(
        rule="quantum",
        sampler="pimc",
        beta=0.3,
        learning_rate=0.3,
        transverse_field=0.5,
        pimc_beta=8.0,
        trotter=16,
        num_sweeps=150,
    ),
}


def xor_part(seeds: int, epochs: int) -> tuple[dict[str, Any], dict[str, Any]]:
    results, curves = {}, {}
    for name, options in XOR_METHODS.items():
        runs = []
        for seed in range(1 if name == "quantum+pimc" else seeds):
            settings = TrainSettings(
                **{
                    "epochs": epochs,
                    "batch_size": 4,
                    "num_reads": 64,
                    "num_sweeps": 100,
                    **options,
                    "seed": seed,
                }
            )
            result = train(IsingNetwork.layered(2, [4], 1, seed=seed), XOR, settings)
            solved = [r["epoch"] for r in result.history if r["train_accuracy"] == 1.0]
            runs.append(
                {
                    "seed": seed,
                    "final_accuracy": result.final["train_accuracy"],
                    "final_cost": result.final["train_cost"],
                    "first_epoch_at_100": solved[0] if solved else None,
                    "seconds": result.seconds,
                }
            )
            if seed == 0:
                curves[name] = result.history
            print(f"xor {name:<16} seed {seed}: acc {runs[-1]['final_accuracy']:.2f}", flush=True)
        results[name] = {
            "runs": runs,
            "share_at_100": float(np.mean([r["final_accuracy"] == 1.0 for r in runs])),
            "median_seconds": float(np.median([r["seconds"] for r in runs])),
        }
    return results, curves


def digits_part(epochs: int, data_seeds: int) -> tuple[dict[str, Any], dict[str, Any]]:
    results, curves = {}, {}
    for name, rule in (("nudged+sa", "nudged"), ("covariance+sa", "covariance")):
        runs = []
        for seed in range(data_seeds):
            data = digits(seed=seed, test_fraction=0.2)
            settings = TrainSettings(
                rule=rule, sampler="sa", temperature=1.0, beta=0.5, learning_rate=0.05,
                epochs=epochs, batch_size=16, num_reads=32, num_sweeps=100, seed=seed,
            )  # fmt: skip
            result = train(
                IsingNetwork.layered(16, [4], 1, seed=seed),
                (data.x_train, data.y_train, data.x_test, data.y_test),
                settings,
            )
            runs.append(
                {
                    "data_seed": seed,
                    "train_accuracy": result.final["train_accuracy"],
                    "test_accuracy": result.final["test_accuracy"],
                    "best_test_accuracy": max(r["test_accuracy"] for r in result.history),
                    "seconds": result.seconds,
                }
            )
            if seed == 0:
                curves[name] = result.history
            print(f"digits {name} seed {seed}: test {runs[-1]['test_accuracy']:.3f}", flush=True)
        results[name] = {
            "runs": runs,
            "mean_test_accuracy": float(np.mean([r["test_accuracy"] for r in runs])),
            "min_test_accuracy": float(np.min([r["test_accuracy"] for r in runs])),
        }
    return results, curves


def mock_qpu_part() -> dict[str, Any]:
    """β_eff of mock-qpu samples of the XOR batch BQM (2-4-1, seed 0), against SA at β = 2."""
    from qanneal.samplers import registry

    bqm = IsingNetwork.layered(2, [4], 1, seed=0).batch_bqm(XOR_INPUTS)
    found: dict[str, Any] = {}
    reference = BQMPhases("sa", num_reads=500, num_sweeps=100)._sample(bqm, 2.0, 0)
    found["sa_beta_2"] = effective_beta(bqm, samples_in_order(reference, bqm.num_variables))
    if "mock-qpu" not in registry.REGISTRY:
        return {**found, "mock_qpu": "not in the registry"}
    sampler = registry.get("mock-qpu").create("bqm")
    for sweeps in (None, 5):
        start = time.perf_counter()
        extra = {} if sweeps is None else {"num_sweeps": sweeps}
        sampleset = sampler.sample(bqm, num_reads=500, seed=1, **extra)
        samples = samples_in_order(sampleset, bqm.num_variables)
        found[f"mock_qpu_sweeps_{sweeps or 'default'}"] = {
            "beta_eff": effective_beta(bqm, samples),
            "beta_eff_upper_bound": 1e3,
            "seconds": time.perf_counter() - start,
        }
    return found


def _plots(bias: dict[str, Any], xor: dict[str, Any], digit: dict[str, Any], suffix: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(4.6, 3.4))
    axis.loglog(bias["betas"], bias["thermal_max_error"], "o-", label="thermal (enumeration)")
    axis.loglog(bias["betas"], bias["quantum_max_error"], "s-", label="quantum (diagonalisation)")
    slope = np.array(bias["betas"]) ** 2
    axis.loglog(bias["betas"], slope * bias["thermal_max_error"][0] / slope[0], "k:", label="β²")
    axis.set(xlabel="nudging β", ylabel="max |nudged − exact gradient|")
    axis.set_xticks(bias["betas"], [f"{b:g}" for b in bias["betas"]])
    axis.minorticks_off()
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(RESULTS / f"ep-bias{suffix}.png", dpi=110)
    plt.close(figure)
    for name, curves, key in (("xor", xor, "train"), ("digits", digit, "test")):
        figure, (left, right) = plt.subplots(1, 2, figsize=(9.5, 3.4))
        for method, history in curves.items():
            epochs = [r["epoch"] for r in history]
            left.plot(epochs, [r[f"{key}_accuracy"] for r in history], label=method)
            right.plot(epochs, [r["train_cost"] for r in history], label=method)
        left.set(xlabel="epoch", ylabel=f"{key} accuracy", ylim=(0.0, 1.02))
        right.set(xlabel="epoch", ylabel="mean train cost ⟨C⟩", yscale="log")
        left.legend(fontsize=8)
        figure.suptitle(f"EP on {name} (seed 0)")
        figure.tight_layout()
        figure.savefig(RESULTS / f"ep-{name}{suffix}.png", dpi=110)
        plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8, help="XOR initialisations per method")
    parser.add_argument("--quick", action="store_true", help="2 seeds, fewer epochs")
    parser.add_argument(
        "--mock-only", action="store_true", help="only measure mock-qpu's β_eff into ep.json"
    )
    parser.add_argument(
        "--plots-only", action="store_true", help="redraw the PNGs from the saved JSON"
    )
    args = parser.parse_args()
    if args.mock_only:
        path = RESULTS / "ep.json"
        saved = json.loads(path.read_text())
        saved["mock_qpu"] = mock_qpu_part()
        print(json.dumps(saved["mock_qpu"]))
        write_atomically(path, saved)
        return
    if args.plots_only:
        suffix = "_quick" if args.quick else ""
        saved = json.loads((RESULTS / f"ep{suffix}.json").read_text())
        curves = saved["curves"]
        _plots(saved["bias"], curves["xor_seed0"], curves["digits_seed0"], suffix)
        return
    seeds = 2 if args.quick else args.seeds
    start = time.perf_counter()
    bias = bias_part()
    print("bias:", json.dumps(bias), flush=True)
    xor, xor_curves = xor_part(seeds, 30 if args.quick else 100)
    digit, digit_curves = digits_part(5 if args.quick else 20, 1 if args.quick else 3)
    suffix = "_quick" if args.quick else ""
    record = {
        "commit": git_commit(),
        "python": platform.python_version(),
        "seconds": time.perf_counter() - start,
        "bias": bias,
        "xor": xor,
        "digits": digit,
        "mock_qpu": mock_qpu_part(),
        "curves": {"xor_seed0": xor_curves, "digits_seed0": digit_curves},
    }
    write_atomically(RESULTS / f"ep{suffix}.json", record)
    _plots(bias, xor_curves, digit_curves, suffix)
    print(f"done in {record['seconds']:.0f} s")


if __name__ == "__main__":
    main()
