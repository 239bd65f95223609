"""Benchmark: quantum hypernetworks (``qanneal.samplers.vqa``) — the talks' experiments.

What is measured (Carrasquilla et al., arXiv 2301.08292; Torta's talk on variational
training of BiNNs; docs/vqa.md)
    Data: scikit-learn's digits, 0 vs 1, average-pooled to 4x4 and binarised at the
    training median (``qanneal.models.datasets.digits``, seed 4: 288 train / 72 test);
    the k pooled features most correlated with the label on the training split are kept
    (k = 4 or 8: the talks reduce the inputs to a handful of features).

    ``depth``   One-neuron BiNN (binary perceptron with bias, n = k + 1 qubits), loss
                ``errors``. For each depth P = 0…6 (P = 0: product state), ``--runs``
                independent Adam runs from uniform random angles in [−π, π), exact
                statevector, adjoint gradient. The residual of a run is
                r = (E(θ) − E_min)/(E_uniform − E_min), E_min the exact minimum (truth
                table), E_uniform the mean loss over all networks; success = r < ε.
                Also the probability the final state puts on the optimal networks.
    ``random``  The same scan on a rugged landscape: a random ±1 perceptron near capacity,
                N = 11 inputs, P = 9 random patterns and labels (α ≈ 0.82), no bias.
    ``choices`` The same with augmented choice bits (``model.choices``, if the model
                supports them): (a) the perceptron plus the activation bit (identity or
                sign output), k = 4, loss ``bce`` (the Torta talk's); (b) a BiNN k = 2,
                hidden 3 (no biases) plus activation and width bits (hidden dimension 3
                or 2): 11 qubits, loss ``bce``.
    ``dropout`` BiNN k = 2, hidden 3 (no biases) + activation + a mask bit per hidden unit
                (13 qubits), loss ``bce``, P = 1, 2, 3.
    ``mps``     A BiNN k = 8, hidden 3, with biases (31 qubits; 32 with the activation
                bit), loss ``errors``: MPS with χ ∈ {4, 8, 16}, depth 2 (``--mps-depth``;
                a CZ-chain circuit of depth P needs χ ≤ 2^P to be exact), 256 shots per
                estimate, SPSA + Adam. Reports the final E estimate, the best sampled
                network's train/test accuracy, the mutual Hamming distance among sampled
                networks above 90% test accuracy, and the truncated weight; native SA on
                the same model as the reference.
    ``compare`` The depth-part perceptrons as problems (``qanneal.solve``) with ``exact``,
                ``sa``, ``pimc`` and ``vqa``: share of reads at the exact minimum, time.

Usage:  python benchmarks/vqa.py PART [--quick] [--runs R] [--steps S] [--tag T]
Writes benchmarks/results/vqa-PART[-T].json (``--quick``: vqa-PART[-T]_quick.json).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import git_commit

from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron
from qanneal.models.datasets.digits import digits
from qanneal.samplers.vqa import (
    Ansatz,
    DiagonalCost,
    Estimator,
    TrainingConfig,
    summarise_networks,
    train,
)
from qanneal.samplers.vqa.cost import index_to_bits

ROOT = Path(__file__).resolve().parents[1]
EPSILONS = (0.01, 0.05, 0.1)


def digit_features(k: int, seed: int = 4) -> dict[str, np.ndarray]:
    """Top-k pooled ±1 features (by |correlation| with the label on the training split)."""
    data = digits(seed=seed)
    assert data.x_test is not None and data.y_test is not None
    corr = np.abs((data.x_train * data.y_train[:, None]).mean(axis=0))
    keep = np.argsort(-corr, kind="stable")[:k]
    return {
        "x_train": data.x_train[:, keep],
        "y_train": data.y_train,
        "x_test": data.x_test[:, keep],
        "y_test": data.y_test,
        "features": keep,
    }


def with_choices(factory: Any, choices: list[str], **kwargs: Any) -> Any | None:
    """The model with ``choices``, or None if this checkout's models do not take them."""
    try:
        return factory(**kwargs, choices=choices)
    except TypeError:
        return None


def depth_scan(
    model: Any, depths: list[int], runs: int, steps: int, lr: float, seed: int
) -> dict[str, Any]:
    cost = DiagonalCost.from_model(model)
    table = cost.table()
    e_min, degeneracy = cost.minimum()
    e_uniform = float(table.mean())
    optimal = np.abs(table - e_min) <= 1e-9
    rows = []
    for depth in depths:
        estimator = Estimator(Ansatz(model.num_variables, depth), cost)
        config = TrainingConfig(runs=runs, steps=steps, learning_rate=lr)
        start = time.perf_counter()
        result = train(estimator, config, seed=seed + depth)
        elapsed = time.perf_counter() - start
        probabilities = estimator.probabilities(result.parameters)
        residual = (result.final_energy - e_min) / (e_uniform - e_min)
        p_opt = probabilities[:, optimal].sum(axis=1)
        row = {
            "depth": depth,
            "num_parameters": estimator.ansatz.num_parameters,
            "success": {str(eps): float(np.mean(residual < eps)) for eps in EPSILONS},
            "p_optimal_mean": float(p_opt.mean()),
            "runs_p_optimal_above_half": float(np.mean(p_opt > 0.5)),
            "residual_quantiles": np.quantile(residual, [0.1, 0.25, 0.5, 0.75, 0.9]).tolist(),
            "time_s": elapsed,
            "final_energy": result.final_energy.tolist(),
        }
        row.update(choice_marginals(model, probabilities, residual < 0.05))
        rows.append(row)
        print(
            f"  P={depth}: success(r<0.05)={row['success']['0.05']:.3f} "
            f"p_opt={row['p_optimal_mean']:.3f} median r={row['residual_quantiles'][2]:.3f} "
            f"({elapsed:.1f} s)",
            flush=True,
        )
    return {
        "num_qubits": model.num_variables,
        "variables": model.variables,
        "loss": model.loss,
        "e_min": e_min,
        "e_min_degeneracy": degeneracy,
        "e_uniform": e_uniform,
        "runs": runs,
        "steps": steps,
        "learning_rate": lr,
        "ansatz": "RY layers + CZ chain, |+...+>, P entanglers and P+1 rotation layers",
        "by_depth": rows,
    }


def choice_marginals(model: Any, probabilities: np.ndarray, good: np.ndarray) -> dict[str, Any]:
    """P(choice bit = +1) in the final states, averaged over the successful runs."""
    out: dict[str, Any] = {}
    if not good.any():
        return out
    bits = index_to_bits(np.arange(probabilities.shape[1]), model.num_variables)
    for name in ("act", "width"):
        if name in model.variables:
            plus = bits[:, model.variables.index(name)] == 0
            out[f"p_{name}_plus_good_runs"] = float(probabilities[good][:, plus].sum(1).mean())
    return out


def part_depth(args: argparse.Namespace) -> dict[str, Any]:
    out = {}
    for k in (4, 8):
        data = digit_features(k)
        model = BinaryPerceptron(k, data["x_train"], data["y_train"], bias=True)
        print(f"perceptron k={k} ({model.num_variables} qubits)", flush=True)
        out[f"perceptron_k{k}"] = depth_scan(
            model, list(range(0, 7)), args.runs, args.steps, args.lr, args.seed
        )
    return out


def part_random(args: argparse.Namespace) -> dict[str, Any]:
    """A rugged landscape: a random perceptron near capacity (N = 11, P = 9, α ≈ 0.82)."""
    from qanneal.models.datasets.generated import random_patterns

    data = random_patterns(11, 9, seed=2)
    model = BinaryPerceptron(11, data.x_train, data.y_train, loss="errors")
    print(f"random perceptron N=11 P=9 ({model.num_variables} qubits)", flush=True)
    return {
        "random_perceptron_n11_p9": depth_scan(
            model, list(range(0, 7)), args.runs, args.steps, args.lr, args.seed
        )
    }


def part_choices(args: argparse.Namespace) -> dict[str, Any]:
    data4, data2 = digit_features(4), digit_features(2)
    perceptron = with_choices(
        BinaryPerceptron,
        ["activation"],
        num_inputs=4,
        patterns=data4["x_train"],
        labels=data4["y_train"],
        bias=True,
        loss="bce",
    )
    binn = with_choices(
        BinaryNeuralNetwork,
        ["activation", "width"],
        num_inputs=2,
        patterns=data2["x_train"],
        labels=data2["y_train"],
        hidden=[3],
        bias=False,
        loss="bce",
    )
    if perceptron is None or binn is None:
        return {"skipped": "this checkout's models do not take choices"}
    out = {}
    for name, model in (("perceptron_k4_activation", perceptron), ("binn_k2_h3_act_width", binn)):
        print(f"{name} ({model.num_variables} qubits: {model.variables})", flush=True)
        out[name] = depth_scan(model, list(range(1, 7)), args.runs, args.steps, args.lr, args.seed)
    return out


def part_dropout(args: argparse.Namespace) -> dict[str, Any]:
    """The talk's "remove some neurons": BiNN 2-3-1 (no biases) + act + a mask bit per
    hidden unit (13 qubits), loss bce, depths 1-3."""
    data = digit_features(2)
    model = BinaryNeuralNetwork(
        2,
        data["x_train"],
        data["y_train"],
        hidden=[3],
        bias=False,
        loss="bce",
        choices=["activation", "dropout"],
    )
    print(f"binn dropout ({model.num_variables} qubits: {model.variables})", flush=True)
    return {
        "binn_k2_h3_act_dropout": depth_scan(
            model, [1, 2, 3], args.runs, args.steps, args.lr, args.seed
        )
    }


def part_mps(args: argparse.Namespace) -> dict[str, Any]:
    data = digit_features(8)
    kwargs = {
        "num_inputs": 8,
        "patterns": data["x_train"],
        "labels": data["y_train"],
        "hidden": [3],
        "bias": True,
    }
    model = with_choices(BinaryNeuralNetwork, ["activation"], **kwargs)
    plain = BinaryNeuralNetwork(**kwargs)
    model = plain if model is None else model
    test = (data["x_test"], data["y_test"])
    runs, steps = (4, 30) if args.quick else (args.mps_runs, args.mps_steps)
    print(f"MPS instance: {model.num_variables} qubits", flush=True)
    rows = []
    for chi in (int(c) for c in args.mps_bond_dims.split(",")):
        estimator = Estimator(
            Ansatz(model.num_variables, args.mps_depth),
            DiagonalCost.from_model(model),
            backend="mps",
            bond_dim=chi,
            shots=256,
        )
        config = TrainingConfig(
            runs=runs,
            steps=steps,
            learning_rate=args.lr,
            final_shots=1024,
            optimizer=args.optimizer,
        )
        start = time.perf_counter()
        result = train(estimator, config, seed=args.seed + chi)
        rng = np.random.default_rng(args.seed)
        state = estimator.simulator.run(result.parameters)  # type: ignore[union-attr]
        bits = state.sample(1024, rng)
        elapsed = time.perf_counter() - start
        summary = summarise_networks(model, bits, test=test, good_accuracy=0.9)
        per_run = [summarise_networks(model, bits[r], test=test)["best"] for r in range(runs)]
        rows.append(
            {
                "bond_dim": chi,
                "runs": runs,
                "steps": steps,
                "final_energy_estimates": result.final_energy.tolist(),
                "final_energy_mean": float(result.final_energy.mean()),
                "truncated_weight_mean": float(state.truncation.mean()),
                "best_train_errors_per_run": [b["train_errors"] for b in per_run],
                "best_test_accuracy_per_run": [b["test_accuracy"] for b in per_run],
                "pooled": summary,
                "time_s": elapsed,
            }
        )
        print(
            f"  chi={chi}: mean E={result.final_energy.mean():.1f} best errors per run "
            f"{[b['train_errors'] for b in per_run]} good={summary['good']['count']} "
            f"hamming={summary['good']['hamming_mean']} ({elapsed:.0f} s)",
            flush=True,
        )
    return {
        "num_qubits": model.num_variables,
        "variables": model.variables,
        "depth": args.mps_depth,
        "optimizer": args.optimizer,
        "by_bond_dim": rows,
        "sa_reference": sa_reference(plain, test, reads=50),
    }


def sa_reference(model: Any, test: tuple[np.ndarray, np.ndarray], reads: int) -> dict[str, Any]:
    from qanneal.samplers import AnnealingSampler

    start = time.perf_counter()
    sampleset = AnnealingSampler().sample_model(model, num_reads=reads, num_sweeps=1000, seed=1)
    weights = np.asarray(sampleset.record.sample, dtype=np.int8)
    errors = np.atleast_1d(model.errors(weights))
    best = int(np.argmin(errors))
    return {
        "reads": reads,
        "num_sweeps": 1000,
        "min_train_errors": int(errors.min()),
        "share_at_min": float(np.mean(errors == errors.min())),
        "best_test_accuracy": float(model.accuracy(weights[best], *test)),
        "time_s": time.perf_counter() - start,
    }


def part_compare(args: argparse.Namespace) -> dict[str, Any]:
    import dimod

    from qanneal import solve
    from qanneal.problem import problem_from_dict

    out = {}
    reads = 8 if args.quick else 40
    with tempfile.TemporaryDirectory() as tmp:
        for k in (4, 8):
            data = digit_features(k)
            path = Path(tmp) / f"digits-k{k}.npz"
            np.savez(path, x=data["x_train"], y=data["y_train"])
            problem = problem_from_dict(
                {
                    "model": {"type": "perceptron", "bias": True},
                    "data": {"source": "file", "path": str(path), "test_fraction": 0.0},
                    "loss": {"type": "errors"},
                }
            )
            e_min = DiagonalCost.from_model(problem.model).minimum()[0]
            rows = {}
            for name, params in (
                ("exact", {}),
                ("sa", {}),
                ("pimc", {}),
                ("vqa", {"depth": 2, "learning_rate": 0.05}),
            ):
                sweeps = 200 if name == "vqa" else 1000
                start = time.perf_counter()
                record = solve(
                    problem,
                    name,
                    num_reads=reads,
                    num_sweeps=sweeps,
                    seed=1,
                    params=params,
                    save=False,
                )
                sampleset = dimod.SampleSet.from_serializable(record["sampleset"])
                columns = [sampleset.variables.index(v) for v in problem.model.variables]
                weights = np.asarray(sampleset.record.sample[:, columns], dtype=np.int8)
                errors = np.atleast_1d(problem.model.errors(weights))
                rows[name] = {
                    "reads": len(errors),
                    "num_sweeps_or_steps": sweeps,
                    "best_train_errors": int(errors.min()),
                    "share_of_reads_at_exact_minimum": float(np.mean(errors <= e_min)),
                    "time_s": time.perf_counter() - start,
                }
                print(f"  k={k} {name}: {rows[name]}", flush=True)
            out[f"perceptron_k{k}"] = {"e_min": e_min, "samplers": rows}
    return out


PARTS = {
    "depth": part_depth,
    "random": part_random,
    "choices": part_choices,
    "dropout": part_dropout,
    "mps": part_mps,
    "compare": part_compare,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("part", choices=sorted(PARTS))
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a _quick.json file")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--mps-runs", type=int, default=16)
    parser.add_argument("--mps-steps", type=int, default=300)
    parser.add_argument("--mps-depth", type=int, default=2, help="P of the MPS part")
    parser.add_argument("--mps-bond-dims", default="4,8,16", help="χ values of the MPS part")
    parser.add_argument("--optimizer", default="adam", choices=["adam", "qn-spsa"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tag", default="", help="suffix of the result file name")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.steps = 10, 20
    start = time.perf_counter()
    results = PARTS[args.part](args)
    record = {
        "part": args.part,
        "commit": git_commit(),
        "settings": {k: v for k, v in vars(args).items() if k != "part"},
        "cpu_count": os.cpu_count(),
        "total_s": time.perf_counter() - start,
        "results": results,
    }
    suffix = "_quick" if args.quick else ""
    tag = f"-{args.tag}" if args.tag else ""
    path = ROOT / "benchmarks" / "results" / f"vqa-{args.part}{tag}{suffix}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1, default=_jsonable) + "\n")
    tmp.replace(path)
    print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.integer | np.floating):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value)}")


if __name__ == "__main__":
    main()
