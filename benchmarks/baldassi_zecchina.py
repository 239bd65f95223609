"""Benchmark: quantum (PIMC) vs classical (SA) annealing of the binary perceptron on the
instance family of Baldassi & Zecchina, PNAS 115:1457 (2018), on instances no tuning saw.

What is measured
    Instances: N = 1001 inputs, P = round(α N) random ±1 patterns with random ±1 labels
    (``random_patterns(N, P, seed=s)``; a label can be absorbed into its pattern, so this
    is the paper's all-+1 family), loss "perclinear" (Θ(−Δ)(1 − Δ)/√N per pattern, the
    energy of RRRMC.jl's ``PercLinear``). Success = zero training errors (E = 0).
    Instance seeds are split (``_common.split_seeds``, recorded in the JSON): TUNING_SEEDS
    were used to choose the protocols below, EVALUATION_SEEDS only to measure them.

    Methods (``--reads`` reads per instance, run in parallel):

    * ``pimc default``: ``PIMCSampler().sample_model(model)`` with no parameters — the rule
      ``perceptron-quantum`` of qanneal.samplers.protocols (M = 64, β = 64, Γ 2.5 → 0.01
      held in 30 stages of ⌈8N/1001⌉ sweeps, local + cluster moves, 20 final sweeps);
    * ``pimc paper``: ``protocol="paper"`` — M = 32, β = 32, the same Γ stages, τ = 100
      sweeps of rejection-free (RRRMC) iterations (τ·N·M iterations, as RRRMC.jl counts
      them; ``--tau`` changes τ), 20 final sweeps;
    * ``pimc x2``: the default rule with twice the sweeps per stage (frontier part);
    * ``sa updates``: ``AnnealingSampler().sample_model`` with the default β range and as
      many single-spin updates per read as the PIMC method it is paired with: every move
      of a quantum sweep evaluates the flip of each of the M·N slice-spins once (the
      cluster sweep is work too), as does each final sweep (info["pimc"]["spin_updates"]);
    * ``sa time``: SA with the sweeps that fit in the PIMC method's wall time per call,
      from the SA seconds per sweep measured on the same instance just before (same
      process, same reads in parallel).

    Per method: reads at zero errors, instances solved by any read, mean residual errors,
    seconds per call and TTS99 = t_call · max(1, ln 0.01 / ln(1 − p)) with p the share of
    reads at zero errors (a lower bound from the 95 % upper limit of p when no read
    succeeds).

    Parts (``--parts``): ``default`` (α = 0.6: pimc default, sa updates, sa time),
    ``paper`` (α = 0.6: pimc paper, sa updates), ``frontier`` (α = 0.65 and 0.70: pimc
    default, pimc x2, sa updates of the x2 budget), ``tuning`` (the τ scan of the paper
    protocol and the default rule, on the tuning instances).

How to run (from the repository root; hours on 2 shared cores: in the background)
    nohup nice -n 10 python benchmarks/baldassi_zecchina.py --parts default paper \\
        > bz.log 2>&1 &
    python benchmarks/baldassi_zecchina.py --quick        # N = 201, a few minutes

Writes ``benchmarks/results/baldassi_zecchina[-TAG].json`` after every instance, so an
interrupted run keeps what it measured. Exit status 0 if every target of the parts run
is met (default: PIMC solves >= half the instances and SA at equal updates fewer; paper:
the same for the paper's protocol), 1 otherwise.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _common import Benchmark, common_parser, log, run_main, split_seeds

from qanneal.models import BinaryPerceptron
from qanneal.models.datasets import random_patterns
from qanneal.samplers import AnnealingSampler, PIMCSampler

NAME = "baldassi_zecchina"
PACKAGES = ("qanneal", "numba", "numpy", "dimod")
TUNING_SEEDS = list(range(100, 104))  # the default rule and the τ scan were chosen on these
EVALUATION_SEEDS = list(range(1000, 1020))
PARTS = ("default", "paper", "frontier", "tuning")
FRONTIER_ALPHAS = (0.65, 0.70)
TUNING_TAUS = (100, 200, 400)


def make_model(inputs: int, alpha: float, seed: int) -> BinaryPerceptron:
    data = random_patterns(inputs, round(alpha * inputs), seed=seed)
    return BinaryPerceptron(inputs, data.x_train, data.y_train, loss="perclinear")


def errors_of(model: BinaryPerceptron, sampleset: Any) -> list[int]:
    order = [sampleset.variables.index(v) for v in model.variables]
    weights = np.asarray(sampleset.record.sample)[:, order].astype(np.int8)
    return [int(model.errors(w)) for w in weights]


def run_pimc(model: BinaryPerceptron, reads: int, seed: int, **params: Any) -> dict[str, Any]:
    start = time.perf_counter()
    sampleset = PIMCSampler().sample_model(model, num_reads=reads, seed=seed, **params)
    wall = time.perf_counter() - start
    info = sampleset.info
    protocol = {k: v for k, v in info["protocol"].items() if k not in ("seed",)}
    return {
        "errors": errors_of(model, sampleset),
        "wall_s": wall,
        "spin_updates": info["pimc"]["spin_updates"],
        "acceptance": info["pimc"]["acceptance"],
        "clock_sweeps": info["pimc"]["clock_sweeps"],
        "protocol": protocol,
    }


def run_sa(model: BinaryPerceptron, reads: int, seed: int, sweeps: int) -> dict[str, Any]:
    start = time.perf_counter()
    sampleset = AnnealingSampler().sample_model(
        model, num_reads=reads, seed=seed, num_sweeps=sweeps
    )
    wall = time.perf_counter() - start
    return {
        "errors": errors_of(model, sampleset),
        "wall_s": wall,
        "spin_updates": sampleset.info["sa"]["spin_updates"],
        "sweeps": sweeps,
        "beta_range": sampleset.info["protocol"]["beta_range"],
    }


Pairing = Callable[[BinaryPerceptron, int, int], dict[str, dict[str, Any]]]


def quantum_vs_classical(params: dict[str, Any], equal_time: bool) -> Pairing:
    """PIMC with ``params``, SA at its single-spin updates and (optionally) its wall time."""

    def pair(model: BinaryPerceptron, reads: int, seed: int) -> dict[str, dict[str, Any]]:
        quantum = run_pimc(model, reads, seed, **params)
        sweeps = max(1, round(quantum["spin_updates"] / model.num_variables))
        classical = run_sa(model, reads, seed + 1, sweeps)
        runs = {"pimc": quantum, "sa updates": classical}
        if equal_time:
            per_sweep = classical["wall_s"] / sweeps
            timed = max(1, round(quantum["wall_s"] / per_sweep))
            runs["sa time"] = run_sa(model, reads, seed + 2, timed)
        return runs

    return pair


def r99(p: float) -> float:
    """Repetitions needed for 99 % success at per-read success probability p."""
    return 1.0 if p >= 1.0 else max(1.0, math.log(0.01) / math.log1p(-p))


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per method over the instances of one part."""
    summary = {}
    for method in rows[0]["runs"]:
        runs = [row["runs"][method] for row in rows]
        errors = [e for run in runs for e in run["errors"]]
        p = sum(e == 0 for e in errors) / len(errors)
        bound = p == 0
        p_used = 1.0 - 0.05 ** (1.0 / len(errors)) if bound else p
        seconds = float(np.mean([run["wall_s"] for run in runs]))
        summary[method] = {
            "reads": len(errors),
            "successes": sum(e == 0 for e in errors),
            "success_share": p,
            "instances": len(runs),
            "instances_solved": sum(any(e == 0 for e in run["errors"]) for run in runs),
            "mean_errors": float(np.mean(errors)),
            "spin_updates_per_read": float(np.mean([run["spin_updates"] for run in runs])),
            "seconds_per_call": seconds,
            "tts99_s": seconds * r99(p_used),
            "tts99_is_lower_bound": bound,
        }
    return summary


def run_part(
    bench: Benchmark, key: str, alpha: float, seeds: list[int], pairing: Pairing, note: str
) -> dict[str, Any]:
    """Every instance of one part, saved after each; returns the part's record."""
    args = bench.args
    part: dict[str, Any] = {"about": note, "inputs": args.inputs, "alpha": alpha, "seeds": seeds}
    part["instances"] = rows = []
    bench.record.setdefault("parts", {})[key] = part
    for seed in seeds:
        model = make_model(args.inputs, alpha, seed)
        runs = pairing(model, args.reads, 7919 * seed + 1)
        rows.append({"seed": seed, "runs": runs})
        log(
            f"[{key}] seed {seed}: "
            + "; ".join(f"{m} {r['errors']} {r['wall_s']:.0f} s" for m, r in runs.items())
        )
        part["summary"] = summarise(rows)
        bench.save()
    return part


def target(part: dict[str, Any], pimc: str) -> dict[str, Any]:
    summary = part["summary"]
    quantum, classical = summary[pimc], summary["sa updates"]
    met = quantum["instances_solved"] >= quantum["instances"] / 2
    return {
        "rule": f"{pimc} solves >= half the instances and SA at equal updates solves fewer",
        "met": bool(met and classical["instances_solved"] < quantum["instances_solved"]),
    }


def run(bench: Benchmark) -> int:
    args = bench.args
    seeds = EVALUATION_SEEDS[: args.instances]
    bench.record["seeds"] = split_seeds(TUNING_SEEDS, EVALUATION_SEEDS)
    bench.record["seeds"]["csv_instance"] = 777  # problems/bz-n1001-unseen.toml
    warm_up()
    met = []
    if "default" in args.parts:
        about = "pimc with no parameters vs SA at equal updates and equal time"
        part = run_part(bench, "default", 0.6, seeds, quantum_vs_classical({}, True), about)
        part["target"] = target(part, "pimc")
        met.append(part["target"]["met"])
    if "paper" in args.parts:
        params = {"protocol": "paper", "num_sweeps": args.tau}
        about = f"the paper's protocol, tau = {args.tau}, vs SA at equal updates"
        part = run_part(bench, "paper", 0.6, seeds, quantum_vs_classical(params, False), about)
        part["target"] = target(part, "pimc")
        met.append(part["target"]["met"])
    if "frontier" in args.parts:
        for alpha in FRONTIER_ALPHAS:
            run_part(bench, f"frontier-{alpha}", alpha, seeds[: args.frontier_instances],
                     frontier_pairing(args.inputs), "default and 2x sweeps vs SA")  # fmt: skip
    if "tuning" in args.parts:
        run_part(bench, "tuning", 0.6, TUNING_SEEDS, tuning_pairing(), "tau scan on tuning")
    bench.save()
    return 0 if all(met) else 1


def frontier_pairing(inputs: int) -> Pairing:
    from qanneal.samplers.protocols import STAGES, perceptron_sweeps_per_stage

    doubled = 2 * STAGES * perceptron_sweeps_per_stage(inputs)

    def pair(model: BinaryPerceptron, reads: int, seed: int) -> dict[str, dict[str, Any]]:
        runs = {"pimc default": run_pimc(model, reads, seed)}
        runs["pimc x2"] = run_pimc(model, reads, seed, num_sweeps=doubled)
        sweeps = round(runs["pimc x2"]["spin_updates"] / model.num_variables)
        runs["sa updates"] = run_sa(model, reads, seed + 1, sweeps)
        return runs

    return pair


def tuning_pairing() -> Pairing:
    def pair(model: BinaryPerceptron, reads: int, seed: int) -> dict[str, dict[str, Any]]:
        runs = {"pimc default": run_pimc(model, reads, seed)}
        for tau in TUNING_TAUS:
            runs[f"pimc paper tau={tau}"] = run_pimc(
                model, reads, seed, protocol="paper", num_sweeps=tau
            )
        return runs

    return pair


def warm_up() -> None:
    """Compile every kernel these methods use (outside every timing)."""
    model = make_model(21, 0.6, 0)
    PIMCSampler().sample_model(model, num_reads=2, num_sweeps=30, seed=0)
    PIMCSampler().sample_model(model, num_reads=2, num_sweeps=30, protocol="paper", seed=0)
    AnnealingSampler().sample_model(model, num_reads=2, num_sweeps=3, seed=0)


def print_table(record: dict[str, Any]) -> None:
    for key, part in record.get("parts", {}).items():
        print(f"\n== {key}: N={part['inputs']}, alpha={part['alpha']}, "
              f"{len(part['instances'])} instances; {part['about']}")  # fmt: skip
        print(f"{'method':<22} {'reads ok':>9} {'inst.':>6} {'mean err':>8} "
              f"{'updates/N':>10} {'s/call':>7} {'TTS99 s':>9}")  # fmt: skip
        for name, row in part.get("summary", {}).items():
            mark = ">" if row["tts99_is_lower_bound"] else ""
            print(
                f"{name:<22} {row['successes']:>4}/{row['reads']:<4} "
                f"{row['instances_solved']:>3}/{row['instances']:<2} {row['mean_errors']:>8.2f} "
                f"{row['spin_updates_per_read'] / part['inputs']:>10.0f} "
                f"{row['seconds_per_call']:>7.1f} {mark + format(row['tts99_s'], '.3g'):>9}"
            )
        if "target" in part:
            verdict = "met" if part["target"]["met"] else "NOT met"
            print(f"target ({part['target']['rule']}): {verdict}")


def parser() -> Any:
    parser = common_parser(__doc__)
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=["default", "paper"])
    parser.add_argument("--inputs", type=int, default=1001, help="N (default 1001)")
    parser.add_argument("--instances", type=int, default=20, help="evaluation instances")
    parser.add_argument("--frontier-instances", type=int, default=10)
    parser.add_argument("--reads", type=int, default=2, help="reads per instance and method")
    parser.add_argument("--tau", type=int, default=100, help="paper protocol: sweeps (τ)")
    return parser


def check(args: Any) -> str | None:
    if args.quick:
        args.inputs, args.instances, args.frontier_instances = 201, 2, 1
    if min(args.instances, args.reads, args.tau, args.frontier_instances) < 1:
        return "--instances, --reads, --tau and --frontier-instances must be >= 1"
    if args.instances > len(EVALUATION_SEEDS):
        return f"--instances: at most {len(EVALUATION_SEEDS)} evaluation instances"
    return "N must be odd (no ties)" if args.inputs % 2 == 0 else None


if __name__ == "__main__":
    sys.exit(run_main(NAME, parser(), run, print_table, PACKAGES, check=check))
