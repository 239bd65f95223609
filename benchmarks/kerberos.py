"""Benchmark: QPU in the loop (``qanneal.leap.kerberos``) on the shipped slack QUBO that does
not fit the chip, with mock QPU subproblems.

What is measured
    The instance is ``problems/perceptron-random-slack.toml`` (random perceptron N = 101,
    α = 0.3: 281 binary variables, 22 959 couplings; above a Pegasus P16's largest clique of
    180). For each configuration, ``--reads`` runs of the Kerberos-style loop, each from a
    random state, with seeds 0 … reads−1 of ``KerberosSampler.sample`` (one read per seed,
    so every run is reproducible on its own). QPU subproblems go to the offline
    ``MockQPU`` (MockDWaveSampler on Pegasus P16, simulated annealing as substitute, 1000
    sweeps), optionally through the hardware emulation of ``qanneal.leap.noise`` (Advantage
    ranges, σ_h = 0.05, σ_J = 0.035, β = 6.1). ``energy_threshold = 0`` in every
    configuration: the slack QUBO's energy is 0 exactly when every pattern is stored, so the
    loop stops there (a property of the formulation, not a tuned value).

    Per run: training errors of the decoded weights, energy, iterations, QPU subproblems
    (count, sizes, chain lengths and breaks) and which branch made each improvement.
    Success share = runs with zero training errors / runs. Nothing is tuned: the
    configurations are Kerberos's defaults and two variations named in ``CONFIGURATIONS``.

How to run (from the repository root)
    python benchmarks/kerberos.py [--reads 20] [--configs default patient weak-classical]
        [--json]

It takes about 3–6 minutes per configuration on 2 cores, prints a table and writes
``benchmarks/results/kerberos.json`` atomically. Exit status 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

import numpy as np
from _common import ROOT, git_commit, git_dirty, machine, versions, write_atomically

import qanneal
from qanneal.leap.noise import HardwareNoiseComposite
from qanneal.leap.subproblems import MockQPU
from qanneal.samplers.kerberos import KerberosSampler

RESULT_PATH = ROOT / "benchmarks" / "results" / "kerberos.json"
PROBLEM = ROOT / "problems" / "perceptron-random-slack.toml"
CONFIGURATIONS: dict[str, dict[str, Any]] = {
    # Kerberos's defaults (dwave-hybrid), tabu as 100 restarts
    "default": {},
    # more patience: stop after 10 iterations without improvement instead of 3
    "patient": {"convergence": 10},
    # weak classical branches, so that the QPU branch has room to contribute
    "weak-classical": {"convergence": 10, "sa_sweeps": 1000, "tabu_restarts": 10},
    # Kerberos's defaults with QPU subproblems through the hardware emulation
    "default-noisy": {"noise": True},
}


def run_configuration(name: str, reads: int) -> dict[str, Any]:
    problem = qanneal.load_problem(PROBLEM)
    bqm = problem.bqm()
    settings = dict(CONFIGURATIONS[name])
    noisy = settings.pop("noise", False)
    qpu = MockQPU(noise=HardwareNoiseComposite() if noisy else None)
    sampler = KerberosSampler(qpu)
    runs = []
    for seed in range(reads):
        start = time.perf_counter()
        sampleset = sampler.sample(bqm, num_reads=1, seed=seed, energy_threshold=0.0, **settings)
        seconds = time.perf_counter() - start
        weights, energies, _ = problem.readout(sampleset, "bqm")
        report = sampleset.info["kerberos"]
        runs.append(
            {
                "seed": seed,
                "train_errors": int(problem.errors(weights[0])),
                "energy": float(energies[0]),
                "seconds": seconds,
                "iterations": report["reads"][0]["iterations"],
                "improvements": report["improvements"],
                "qpu_subproblems": report["qpu_subproblems"],
                "subproblem_sizes": report["subproblem_sizes"],
                "max_chain_length": report["max_chain_length"],
                "chain_break_fraction": report["chain_break_fraction"],
            }
        )
        print(
            f"  {name} seed {seed}: errors {runs[-1]['train_errors']}, "
            f"{seconds:.1f} s, improvements {report['improvements']}",
            file=sys.stderr,
        )
    improvements = {
        branch: sum(r["improvements"][branch] for r in runs) for branch in ("tabu", "sa", "qpu")
    }
    total = sum(improvements.values())
    return {
        "configuration": name,
        "settings": CONFIGURATIONS[name],
        "reads": reads,
        "success_share": float(np.mean([r["train_errors"] == 0 for r in runs])),
        "improvements": improvements,
        "qpu_improvement_share": improvements["qpu"] / total if total else 0.0,
        "qpu_subproblems": sum(r["qpu_subproblems"] for r in runs),
        "median_seconds": float(np.median([r["seconds"] for r in runs])),
        "runs": runs,
    }


def print_table(record: dict[str, Any]) -> None:
    print(
        f"{'configuration':<16}{'success':>10}{'QPU subproblems':>17}"
        f"{'improvements tabu/sa/qpu':>26}{'QPU share':>11}{'median s':>10}"
    )
    for row in record["results"]:
        imp = row["improvements"]
        print(
            f"{row['configuration']:<16}{row['success_share']:>10.2f}"
            f"{row['qpu_subproblems']:>17}{imp['tabu']:>12}/{imp['sa']}/{imp['qpu']:<11}"
            f"{row['qpu_improvement_share']:>11.2f}{row['median_seconds']:>10.1f}"
        )
    print(f"wrote {record['result_path']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=20, help="runs per configuration")
    parser.add_argument(
        "--configs", nargs="+", default=list(CONFIGURATIONS), choices=list(CONFIGURATIONS)
    )
    parser.add_argument("--json", action="store_true", help="print the JSON record")
    args = parser.parse_args(argv)
    record = {
        "benchmark": "kerberos",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "dirty": git_dirty(),
        "machine": machine(),
        "versions": versions("qanneal", "dimod", "dwave-hybrid", "dwave-system", "numpy"),
        "problem": str(PROBLEM.relative_to(ROOT)),
        "evaluation_seeds": list(range(args.reads)),
        "tuning_seeds": [],
        "results": [run_configuration(name, args.reads) for name in args.configs],
        "result_path": str(RESULT_PATH.relative_to(ROOT)),
    }
    write_atomically(RESULT_PATH, record)
    if args.json:
        print(json.dumps(record, indent=2))
    else:
        print_table(record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
