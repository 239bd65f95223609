"""Benchmark: which formulation survives a QPU's limited precision, and which fits the chip.

What is measured
    (1) Success probability vs control-error strength on the noisy mock QPU. Each logical
        BQM is embedded on a Pegasus P16 (seeded minorminer, one embedding per instance and
        encoding), chains at ``factor`` × uniform torque compensation, and sampled through
        ``qanneal.leap.noise``: auto-scaled into Advantage's h and J ranges, Gaussian control
        errors σ_h = k·0.05, σ_J = k·0.035 (k = 1: the mock's default widths, an
        order-of-magnitude estimate, not a QPU's measured values), then
        Boltzmann samples at β = 6.1 (Advantage's freeze-out; ``--beta`` sets another, e.g.
        a cold one to see the control errors alone), majority vote on chains.
        Per point: ``programmings`` independent control-error draws × ``reads`` reads;
        success = share of reads whose decoded weights make zero training errors; for
        reference, the success of simulated annealing on the logical BQM (no embedding, no
        noise, the same sweeps). Families:
        - ``perceptron-hubo``: perceptron N = 7, 4 teacher patterns, the exact ``symmetric``
          HUBO, reduced by ``auto`` vs ``dimod`` (dimod.make_quadratic);
        - ``binn-hidden``: BiNN 3-3-1 on 4 teacher patterns (as problems/binn-hidden.toml),
          the ``hidden`` HUBO, ``auto`` vs ``dimod``;
        - ``perceptron-constraints``: perceptron N = 9, 4 teacher patterns, the ``slack``
          QUBO vs the ``cqm`` formulation's penalty BQM (dimod.cqm_to_bqm).
    Held out: the chain-strength factor (of ``FACTORS``) is chosen per family and encoding
    on the tuning data seeds at k = 1 (most successes; ties to the smaller factor), and
    every figure is measured on the evaluation data seeds; both lists are in the JSON.
    (2) The largest perceptron N (odd; α = 0.3 and 0.5; random patterns) whose slack QUBO or
        cqm penalty BQM minorminer embeds on P16 (``--embed-tries`` restarts within
        ``--embed-timeout`` s), with the embedding time and chain lengths; and the largest N
        whose variables fit busclique's largest clique on P16 (180 variables; every N is
        counted, also with ``--skip-embedding``).

How to run (from the repository root)
    python benchmarks/precision.py [--reads 20] [--programmings 5] [--skip-embedding]
        [--beta 6.1] [--tag NAME] [--quick] [--json]

The full run takes about 30–60 minutes on 2 cores (most of it minorminer in part 2);
``--quick`` (a few minutes) uses one evaluation seed, three noise levels and no part 2. It
prints tables, writes ``benchmarks/results/precision.json`` (``precision_quick.json``;
``precision-NAME.json`` with ``--tag``) and the plot ``precision.png`` atomically. Exit
status 0.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

import numpy as np
from _common import (
    ROOT,
    bias_ratio,
    git_commit,
    git_dirty,
    machine,
    versions,
    write_atomically,
    write_bytes_atomically,
)

from qanneal.leap.noise import (
    DEFAULT_SIGMA_H,
    DEFAULT_SIGMA_J,
    HardwareNoiseComposite,
    ThermalSampler,
    advantage_beta,
)
from qanneal.leap.subproblems import MockQPU, SubproblemQPU
from qanneal.problem import Problem, problem_from_dict

RESULTS = ROOT / "benchmarks" / "results"
NOISE_SCALES = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0)
FACTORS = (0.5, 1.0, 2.0)
TUNING_SEEDS = (100, 101, 102)
EVALUATION_SEEDS = (0, 1, 2, 3, 4)
FAMILIES: dict[str, dict[str, Any]] = {
    "perceptron-hubo": {
        "document": {
            "model": {"type": "perceptron", "inputs": 7},
            "data": {"source": "teacher", "patterns": 4},
            "formulation": {"type": "symmetric"},
        },
        "encodings": {"auto": {"reduction": "auto"}, "dimod": {"reduction": "dimod"}},
    },
    "binn-hidden": {
        "document": {
            "model": {"type": "binn", "inputs": 3, "hidden": [3], "bias": False},
            "data": {"source": "teacher", "patterns": 4},
            "formulation": {"type": "hidden"},
        },
        "encodings": {"auto": {"reduction": "auto"}, "dimod": {"reduction": "dimod"}},
    },
    "perceptron-constraints": {
        "document": {
            "model": {"type": "perceptron", "inputs": 9},
            "data": {"source": "teacher", "patterns": 4},
        },
        "encodings": {"slack": {"type": "slack"}, "cqm-penalty": {"type": "cqm"}},
    },
}


def instance(family: str, encoding: str, seed: int) -> Problem:
    spec = FAMILIES[family]
    document = json.loads(json.dumps(spec["document"]))  # a deep copy
    document["data"]["seed"] = seed
    document["formulation"] = {**document.get("formulation", {}), **spec["encodings"][encoding]}
    return problem_from_dict(document)


def success(
    problem: Problem, scale: float, factor: float, args: argparse.Namespace, cache: str, seed: int
) -> dict[str, Any]:
    """Share of reads with zero training errors on the noisy mock at noise scale ``scale``."""
    noise = HardwareNoiseComposite(
        ThermalSampler(args.beta),
        sigma_h=scale * DEFAULT_SIGMA_H,
        sigma_j=scale * DEFAULT_SIGMA_J,
    )
    qpu = MockQPU(noise=noise, num_sweeps=args.sweeps)(seed)
    sampler = SubproblemQPU(
        qpu,
        num_reads=args.reads,
        embedding="minorminer",
        seed=seed,
        cache_dir=cache,
        chain_strength_factor=factor,
    )
    errors = []
    for _ in range(args.programmings):  # each call: a new control-error draw
        answer = sampler.sample(problem.bqm())  # aggregated, as a QPU answers
        weights, _, _ = problem.readout(answer, "bqm")
        per_row = np.atleast_1d(problem.model.errors(weights))
        errors += np.repeat(per_row, answer.record.num_occurrences).tolist()
    calls = sampler.calls
    return {
        "success": float(np.mean(np.asarray(errors) == 0)),
        "reads": len(errors),
        "physical_qubits": calls[0]["physical_qubits"],
        "max_chain_length": calls[0]["max_chain_length"],
        "chain_break_fraction": float(np.mean([c["chain_break_fraction"] for c in calls])),
    }


def logical_reference(family: str, encoding: str, args: argparse.Namespace) -> float:
    """Success of simulated annealing on the logical BQM itself (no embedding, no noise,
    ``args.sweeps`` sweeps, 100 reads per evaluation instance): what the embedding and the
    hardware effects are measured against."""
    from dwave.samplers import SimulatedAnnealingSampler

    shares = []
    for seed in args.evaluation_seeds:
        problem = instance(family, encoding, seed)
        answer = SimulatedAnnealingSampler().sample(
            problem.bqm(), num_reads=100, num_sweeps=args.sweeps, seed=seed
        )
        weights, _, _ = problem.readout(answer, "bqm")
        shares.append(float(np.mean(np.asarray(problem.model.errors(weights)) == 0)))
    return float(np.mean(shares))


def tune_factor(family: str, encoding: str, args: argparse.Namespace, cache: str) -> dict:
    scores = {}
    for factor in FACTORS:
        runs = [
            success(instance(family, encoding, s), 1.0, factor, args, cache, seed=s)["success"]
            for s in args.tuning_seeds
        ]
        scores[factor] = float(np.mean(runs))
    best = max(FACTORS, key=lambda f: (scores[f], -f))
    return {"chosen": best, "tuning_success": {str(f): v for f, v in scores.items()}}


def noise_curves(args: argparse.Namespace, cache: str) -> list[dict[str, Any]]:
    rows = []
    for family, spec in FAMILIES.items():
        for encoding in spec["encodings"]:
            tuning = tune_factor(family, encoding, args, cache)
            sizes = instance(family, encoding, args.evaluation_seeds[0]).bqm()
            curve = []
            for scale in args.scales:
                points = [
                    success(instance(family, encoding, s), scale, tuning["chosen"], args, cache, s)
                    for s in args.evaluation_seeds
                ]
                curve.append(
                    {
                        "noise_scale": scale,
                        "sigma_h": scale * DEFAULT_SIGMA_H,
                        "sigma_j": scale * DEFAULT_SIGMA_J,
                        "success": float(np.mean([p["success"] for p in points])),
                        "per_instance": [p["success"] for p in points],
                        "max_chain_length": max(p["max_chain_length"] for p in points),
                        "physical_qubits": float(np.mean([p["physical_qubits"] for p in points])),
                    }
                )
                print(
                    f"  {family} {encoding} k={scale}: {curve[-1]['success']:.2f}", file=sys.stderr
                )
            rows.append(
                {
                    "family": family,
                    "encoding": encoding,
                    "variables": sizes.num_variables,
                    "couplings": sizes.num_interactions,
                    "bias_ratio": bias_ratio(sizes),
                    "logical_sa_success": logical_reference(family, encoding, args),
                    "chain_strength_factor": tuning,
                    "curve": curve,
                }
            )
    return rows


def try_embedding(bqm: Any, edgelist: list, args: argparse.Namespace) -> dict[str, Any]:
    from qanneal.leap.embedding import chain_statistics, find_chains

    start = time.perf_counter()
    chains = find_chains(bqm, edgelist, seed=1, tries=args.embed_tries, timeout=args.embed_timeout)
    seconds = time.perf_counter() - start
    found = bool(chains)
    return {
        "variables": bqm.num_variables,
        "couplings": bqm.num_interactions,
        "embedded": found,
        "seconds": seconds,
        **(chain_statistics(chains) if found else {}),
    }


def attempt(n: int, alpha: float, encoding: str, edgelist: list, args: argparse.Namespace) -> dict:
    """Embed the perceptron N = n at load α in one encoding (random patterns, seed 0)."""
    problem = problem_from_dict(
        {
            "model": {"type": "perceptron", "inputs": n},
            "data": {"source": "random", "alpha": alpha, "seed": 0},
            "formulation": {"type": encoding},
        }
    )
    result = try_embedding(problem.bqm(), edgelist, args)
    print(
        f"  embed {encoding} α={alpha} N={n}: {result['embedded']} ({result['seconds']:.0f} s)",
        file=sys.stderr,
    )
    return result


def search_largest(alpha: float, encoding: str, edgelist: list, args: argparse.Namespace):
    """(attempts by N, largest N embedded, smallest N that failed): steps of 20 from N = 11
    up to 101, then bisection over odd N."""
    tried: dict[int, dict[str, Any]] = {}

    def embeds(n: int) -> bool:
        tried[n] = attempt(n, alpha, encoding, edgelist, args)
        return bool(tried[n]["embedded"])

    low: int | None = 11 if embeds(11) else None
    high: int | None = None if low is not None else 11
    n = 11
    while high is None and n < 101:
        n = min(101, n + 20)
        if embeds(n):
            low = n
        else:
            high = n
    while low is not None and high is not None and high - low > 2:
        middle = ((low + high) // 2) | 1  # odd
        middle = middle if low < middle < high else low + 2
        if embeds(middle):
            low = middle
        else:
            high = middle
    return tried, low, high


def clique_limits() -> list[dict[str, Any]]:
    """Largest odd N ≤ 101 per α and encoding whose BQM fits P16's largest clique (what
    ``qpu-clique`` takes, whatever minorminer finds)."""
    from dwave.system.testing import MockDWaveSampler

    from qanneal.leap.embedding import largest_clique

    mock = MockDWaveSampler(topology_type="pegasus", topology_shape=[16])
    clique = largest_clique(mock.to_networkx_graph())
    rows = []
    for alpha in (0.3, 0.5):
        for encoding in ("slack", "cqm"):
            fits = []
            for n in range(11, 102, 2):
                document = {
                    "model": {"type": "perceptron", "inputs": n},
                    "data": {"source": "random", "alpha": alpha, "seed": 0},
                    "formulation": {"type": encoding},
                }
                variables = problem_from_dict(document).bqm().num_variables
                if variables <= clique:
                    fits.append((n, variables))
            n, variables = max(fits, default=(None, None))
            rows.append(
                {
                    "alpha": alpha,
                    "encoding": "cqm-penalty" if encoding == "cqm" else encoding,
                    "largest_n": n,
                    "variables": variables,
                    "largest_clique": clique,
                }
            )
    return rows


def largest_embeddable(args: argparse.Namespace) -> list[dict[str, Any]]:
    from dwave.system.testing import MockDWaveSampler

    from qanneal.leap.embedding import largest_clique

    mock = MockDWaveSampler(topology_type="pegasus", topology_shape=[16])
    edgelist, clique = list(mock.edgelist), largest_clique(mock.to_networkx_graph())
    rows = []
    for alpha in (0.3, 0.5):
        for encoding in ("slack", "cqm"):
            tried, low, high = search_largest(alpha, encoding, edgelist, args)
            within = [m for m, t in tried.items() if t["variables"] <= clique]
            rows.append(
                {
                    "alpha": alpha,
                    "encoding": "cqm-penalty" if encoding == "cqm" else encoding,
                    "largest_embedded_n": low,
                    "smallest_failed_n": high,
                    "largest_tried_n_within_clique": max(within, default=None),
                    "largest_clique": clique,
                    "attempts": {str(k): v for k, v in sorted(tried.items())},
                }
            )
    return rows


def plot(record: dict[str, Any], path: Any) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    families = list(FAMILIES)
    figure, axes = plt.subplots(1, len(families), figsize=(4.2 * len(families), 3.6), sharey=True)
    for axis, family in zip(axes, families, strict=True):
        for row in record["noise"]:
            if row["family"] != family:
                continue
            x = [p["sigma_j"] for p in row["curve"]]
            axis.plot(
                x,
                [p["success"] for p in row["curve"]],
                marker="o",
                label=f"{row['encoding']} (bias ratio {row['bias_ratio']:.3g})",
            )
        axis.axvline(DEFAULT_SIGMA_J, color="grey", linestyle=":", linewidth=1)
        axis.set_title(family)
        axis.set_xlabel("σ_J (σ_h = σ_J·0.05/0.035); dotted: the default width")
        axis.legend(fontsize=7)
    axes[0].set_ylabel("success probability (zero training errors)")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120)
    plt.close(figure)
    write_bytes_atomically(path, buffer.getvalue())


def print_tables(record: dict[str, Any]) -> None:
    print(
        f"{'family':<24}{'encoding':<13}{'vars':>6}{'bias ratio':>12}{'factor':>8}  "
        + "  ".join(f"k={p['noise_scale']:<4}" for p in record["noise"][0]["curve"])
    )
    for row in record["noise"]:
        print(
            f"{row['family']:<24}{row['encoding']:<13}{row['variables']:>6}"
            f"{row['bias_ratio']:>12.4g}{row['chain_strength_factor']['chosen']:>8}  "
            + "  ".join(f"{p['success']:<6.2f}" for p in row["curve"])
        )
    for row in record.get("embedding", []):
        print(
            f"α={row['alpha']} {row['encoding']:<12} largest N embedded on P16: "
            f"{row['largest_embedded_n']} (first failure {row['smallest_failed_n']})"
        )
    print(f"wrote {record['result_path']} and {record['plot_path']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=20, help="reads per programming")
    parser.add_argument("--programmings", type=int, default=5, help="control-error draws")
    parser.add_argument("--sweeps", type=int, default=1000, help="sweeps per read")
    parser.add_argument("--embed-tries", type=int, default=10)
    parser.add_argument("--embed-timeout", type=float, default=60.0)
    parser.add_argument("--skip-embedding", action="store_true", help="no part (2)")
    parser.add_argument("--quick", action="store_true", help="a smoke run in a few minutes")
    parser.add_argument("--beta", type=float, default=None, help="sampling β (default 6.1)")
    parser.add_argument("--tag", default="", help="suffix of the result files")
    parser.add_argument("--json", action="store_true", help="print the JSON record")
    args = parser.parse_args(argv)
    args.scales = (0.0, 1.0, 2.0) if args.quick else NOISE_SCALES
    args.evaluation_seeds = EVALUATION_SEEDS[:1] if args.quick else EVALUATION_SEEDS
    args.tuning_seeds = TUNING_SEEDS[:1] if args.quick else TUNING_SEEDS
    args.beta = advantage_beta() if args.beta is None else args.beta
    suffix = ("_quick" if args.quick else "") + (f"-{args.tag}" if args.tag else "")
    record: dict[str, Any] = {
        "benchmark": "precision",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "dirty": git_dirty(),
        "machine": machine(),
        "versions": versions("qanneal", "dimod", "dwave-system", "minorminer", "numpy"),
        "tuning_seeds": list(args.tuning_seeds),
        "evaluation_seeds": list(args.evaluation_seeds),
        "settings": {
            k: getattr(args, k)
            for k in (
                "reads",
                "programmings",
                "sweeps",
                "beta",
                "embed_tries",
                "embed_timeout",
                "scales",
            )
        },
        "chain_strength_factors": list(FACTORS),
        "result_path": f"benchmarks/results/precision{suffix}.json",
        "plot_path": f"benchmarks/results/precision{suffix}.png",
    }
    with tempfile.TemporaryDirectory() as cache:
        record["noise"] = noise_curves(args, cache)
    if not args.quick:
        record["clique_limits"] = clique_limits()
    if not (args.quick or args.skip_embedding):
        record["embedding"] = largest_embeddable(args)
    write_atomically(ROOT / record["result_path"], record)
    plot(record, ROOT / record["plot_path"])
    if args.json:
        print(json.dumps(record, indent=2))
    else:
        print_tables(record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
