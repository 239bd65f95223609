"""Benchmark: QPU in the loop (``qanneal.leap.kerberos``) on the shipped slack QUBO that does
not fit the chip, with mock QPU subproblems.

What is measured
    The instance is ``problems/perceptron-random-slack.toml`` (random perceptron N = 101,
    α = 0.3: 281 binary variables, 22 959 couplings; above a Pegasus P16's largest clique of
    180). For each configuration, one run of the Kerberos-style loop per seed, each from a
    random state (one read per ``KerberosSampler.sample`` call, so every run is
    reproducible on its own): tuning seeds 0…9 or held-out evaluation seeds 20…39
    (``--role``). The configurations differ from ``default`` in the QPU subproblem only
    (decomposer, size, mock sweeps), and every decomposer leaves tabu and SA the same
    seeds, so runs of one seed are paired: they differ only where the QPU branch won. QPU
    subproblems go to the offline ``MockQPU`` (MockDWaveSampler on Pegasus P16, simulated
    annealing as substitute, 1000 sweeps unless ``mock_sweeps``), optionally through the
    hardware emulation of ``qanneal.leap.noise`` (Advantage ranges, σ_h = 0.05,
    σ_J = 0.035, β = 6.1). ``energy_threshold = 0`` in every configuration: the slack
    QUBO's energy is 0 exactly when every pattern is stored, so the loop stops there (a
    property of the formulation, not a tuned value).

    Per run: training errors of the decoded weights, energy, iterations, QPU subproblems
    (count, sizes, chain lengths and breaks), which branch made each improvement, and with
    the repair decomposer its moves and the QPU improvements beyond them. Success share =
    runs with zero training errors / runs. Each result records the commit and tree state
    its process started from.

    ``--subproblem-study SIZE ...`` instead records the QPU subproblems that runs of the
    default workflow at each size draw and compares the mock's answer (1000 or 10 000
    sweeps, chain strength × 0.5, 1 or 2) and SA on the logical subproblem with its minimum.

How to run (from the repository root)
    python benchmarks/kerberos.py [--role tuning|evaluation] [--seeds S ...] [--reads N]
        [--configs NAME ...] [--output PATH] [--merge PATH ...] [--json]
    python benchmarks/kerberos.py --role tuning --reads 2 --subproblem-study 50 30 20

A run takes 10–150 s on 2 shared cores (``repair-30-10k`` and ``mock-10k`` the slowest); the
script prints a table and writes ``benchmarks/results/kerberos.json`` (the study:
``kerberos-subproblems.json``) atomically, merging earlier results of other
configurations; parts of one configuration run in several processes (``--seeds``) merge
with ``--merge``. Exit status 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import dimod
import numpy as np
from _common import ROOT, git_commit, git_dirty, machine, versions, write_atomically
from dwave.samplers import SimulatedAnnealingSampler, TabuSampler

import qanneal
from qanneal.leap import kerberos
from qanneal.leap.noise import HardwareNoiseComposite
from qanneal.leap.subproblems import MockQPU, SubproblemQPU
from qanneal.samplers.kerberos import KerberosSampler

RESULT_PATH = ROOT / "benchmarks" / "results" / "kerberos.json"
STUDY_PATH = ROOT / "benchmarks" / "results" / "kerberos-subproblems.json"
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
    # the mock's substitute annealer with 10x the sweeps (does the sweep budget limit it?)
    "mock-10k": {"mock_sweeps": 10_000},
    # other subproblem selections (issue 18, follow-up): dwave-hybrid's other traversals,
    # energy order without rolling, smaller subproblems, and whole moves (RepairDecomposer)
    "pfs": {"decomposer": "pfs"},
    "energy": {"decomposer": "energy"},
    "energy-static": {"decomposer": "energy-static"},
    "size-20": {"max_subproblem_size": 20},
    "repair": {"decomposer": "repair"},
    "repair-100": {"decomposer": "repair", "max_subproblem_size": 100},
    "repair-20": {"decomposer": "repair", "max_subproblem_size": 20},
    "repair-30": {"decomposer": "repair", "max_subproblem_size": 30},
    # repair moves of at most 30 variables, mock substitute with 10x the sweeps
    "repair-30-10k": {"decomposer": "repair", "max_subproblem_size": 30, "mock_sweeps": 10_000},
}


def run_configuration(name: str, seeds: list[int], role: str) -> dict[str, Any]:
    commit, dirty, date = git_commit(), git_dirty(), datetime.now(UTC).isoformat(timespec="seconds")
    problem = qanneal.load_problem(PROBLEM)
    bqm = problem.bqm()
    settings = dict(CONFIGURATIONS[name])
    noisy = settings.pop("noise", False)
    sweeps = settings.pop("mock_sweeps", 1000)
    qpu = MockQPU(num_sweeps=sweeps, noise=HardwareNoiseComposite() if noisy else None)
    sampler = KerberosSampler(qpu)
    runs = []
    for seed in seeds:
        start = time.perf_counter()
        sampleset = sampler.sample(bqm, num_reads=1, seed=seed, energy_threshold=0.0, **settings)
        seconds = time.perf_counter() - start
        weights, energies, _ = problem.readout(sampleset, "bqm")
        report = sampleset.info["kerberos"]
        repair = report["reads"][0].get("repair")
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
                "repair": None
                if repair is None
                else {
                    "moves": repair["moves"],
                    "median_move_size": float(np.median(repair["move_sizes"]))
                    if repair["move_sizes"]
                    else 0.0,
                    "repair_improving": repair["repair_improving"],
                    "qpu_beyond_repair": repair["qpu_beyond_repair"],
                },
            }
        )
        print(
            f"  {name} seed {seed}: errors {runs[-1]['train_errors']}, "
            f"{seconds:.1f} s, improvements {report['improvements']}",
            file=sys.stderr,
        )
    head = {
        "configuration": name,
        "role": role,
        "seeds": seeds,
        "commit": commit,  # at the start: the code that ran
        "dirty": dirty,
        "date": date,
        "settings": CONFIGURATIONS[name],
    }
    return {**head, **summarise(runs)}


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Success, improvements per branch, QPU share and subproblems over these runs."""
    improvements = {
        branch: sum(r["improvements"][branch] for r in runs) for branch in ("tabu", "sa", "qpu")
    }
    total = sum(improvements.values())
    sizes = [r["subproblem_sizes"]["mean"] for r in runs if r["qpu_subproblems"]]
    return {
        "reads": len(runs),
        "success_share": float(np.mean([r["train_errors"] == 0 for r in runs])),
        "improvements": improvements,
        "qpu_improvement_share": improvements["qpu"] / total if total else 0.0,
        "qpu_subproblems": sum(r["qpu_subproblems"] for r in runs),
        "mean_subproblem_size": float(np.mean(sizes)) if sizes else 0.0,
        "qpu_beyond_repair": sum(r["repair"]["qpu_beyond_repair"] for r in runs if r["repair"]),
        "median_seconds": float(np.median([r["seconds"] for r in runs])),
        "runs": runs,
    }


def print_table(record: dict[str, Any]) -> None:
    print(
        f"{'role':<11}{'configuration':<16}{'success':>10}{'QPU subproblems':>17}"
        f"{'improvements tabu/sa/qpu':>26}{'QPU share':>11}{'median s':>10}"
    )
    for row in record["results"]:
        imp = row["improvements"]
        print(
            f"{row.get('role', 'evaluation'):<11}{row['configuration']:<16}"
            f"{row['success_share']:>10.2f}"
            f"{row['qpu_subproblems']:>17}{imp['tabu']:>12}/{imp['sa']}/{imp['qpu']:<11}"
            f"{row['qpu_improvement_share']:>11.2f}{row['median_seconds']:>10.1f}"
        )
    print(f"wrote {record['result_path']}")


def _exact_minimum(bqm: dimod.BQM) -> float:
    """The minimum energy of a small BQM by enumeration (2^16 states at a time)."""
    binary = bqm.binary
    order = list(binary.variables)
    linear, (rows, cols, values), offset = binary.to_numpy_vectors(variable_order=order)
    n, low = len(order), min(len(order), 16)
    block = ((np.arange(2**low)[:, None] >> np.arange(low)) & 1).astype(np.float64)
    best = np.inf
    for high in range(2 ** (n - low)):
        tail = ((high >> np.arange(n - low)) & 1).astype(np.float64)
        states = np.hstack([block, np.broadcast_to(tail, (len(block), n - low))])
        energies = states @ linear + (states[:, rows] * states[:, cols]) @ values + offset
        best = min(best, float(energies.min()))
    return best


def _recorded_subproblems(size: int, seeds: list[int]) -> list[tuple[dimod.BQM, float]]:
    """(subproblem, its energy at the current state) for every QPU subproblem that runs of
    the default workflow (subproblem size ``size``) draw, seeds as in ``run_configuration``."""
    seen: list[tuple[dimod.BQM, float]] = []

    class Recording(kerberos.QPUBranch):
        def next(self, state: Any, **runopts: Any) -> Any:
            current = state.samples.first.sample
            sub = state.subproblem
            seen.append((sub, float(sub.energy({v: current[v] for v in sub.variables}))))
            return super().next(state, **runopts)

    bqm = qanneal.load_problem(PROBLEM).bqm()
    with patch.object(kerberos, "QPUBranch", Recording):
        for seed in seeds:
            KerberosSampler(MockQPU()).sample(
                bqm, seed=seed, energy_threshold=0.0, max_subproblem_size=size
            )
    return seen


STUDY_SAMPLERS = {
    # name: (mock sweeps or None for SA on the logical subproblem, chain-strength factor)
    "mock 1000 sweeps": (1000, 1.0),
    "mock 10000 sweeps": (10_000, 1.0),
    "mock chains x0.5": (1000, 0.5),
    "mock chains x2": (1000, 2.0),
    "SA, no embedding, 1000 sweeps": (None, 1.0),
}


def subproblem_study(sizes: list[int], seeds: list[int], per_size: int) -> list[dict[str, Any]]:
    """Reason (2): the mock QPU's answer against the subproblem's minimum, for subproblems
    the workflow draws. The minimum is exact up to 22 variables, else the best of a long
    tabu (20 × 200 restarts), a long SA (20 × 10 000 sweeps) and every sampler tried."""
    rows = []
    for size in sizes:
        recorded = _recorded_subproblems(size, seeds)
        picks = np.unique(np.linspace(0, len(recorded) - 1, min(per_size, len(recorded))))
        samplers = {
            name: None
            if sweeps is None
            else SubproblemQPU(
                MockQPU(num_sweeps=sweeps)(1), num_reads=100, chain_strength_factor=factor
            )
            for name, (sweeps, factor) in STUDY_SAMPLERS.items()
        }
        for k in picks.astype(int):
            sub, current = recorded[k]
            found = {}
            for name, qpu in samplers.items():
                answer = (
                    SimulatedAnnealingSampler().sample(sub, num_reads=100, num_sweeps=1000, seed=2)
                    if qpu is None
                    else qpu.sample(sub)
                )
                found[name] = float(answer.first.energy)
            if sub.num_variables <= 22:
                minimum, exact = _exact_minimum(sub), True
            else:
                long_tabu = TabuSampler().sample(
                    sub,
                    num_reads=20,
                    timeout=None,  # type: ignore[arg-type]
                    num_restarts=200,
                    seed=1,
                )
                long_sa = SimulatedAnnealingSampler().sample(
                    sub, num_reads=20, num_sweeps=10_000, seed=1
                )
                minimum = min(
                    float(long_tabu.first.energy), float(long_sa.first.energy), *found.values()
                )
                exact = False
            rows.append(
                {
                    "size": sub.num_variables,
                    "index": int(k),
                    "of": len(recorded),
                    "current": current,
                    "minimum": minimum,
                    "exact": exact,
                    "found": found,
                }
            )
            print(f"  study size {size} #{k}: {rows[-1]}", file=sys.stderr)
    return rows


def print_study(rows: list[dict[str, Any]]) -> None:
    print(f"{'size':>5}{'n':>4}{'improving':>11}  " + "  ".join(f"{n:>30}" for n in STUDY_SAMPLERS))
    for size in sorted({r["size"] for r in rows}, reverse=True):
        group = [r for r in rows if r["size"] == size]
        improving = sum(r["minimum"] < r["current"] - 1e-6 for r in group)
        hits = [
            f"{sum(r['found'][n] <= r['minimum'] + 1e-6 for r in group)}/{len(group)} at min, "
            f"gap {np.mean([r['found'][n] - r['minimum'] for r in group]):.0f}"
            for n in STUDY_SAMPLERS
        ]
        print(f"{size:>5}{len(group):>4}{improving:>11}  " + "  ".join(f"{h:>30}" for h in hits))


SEED_SETS = {"tuning": list(range(10)), "evaluation": list(range(20, 40))}
"""Run seeds: configurations are compared on the tuning seeds and a choice is checked on the
held-out evaluation seeds."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--role",
        choices=list(SEED_SETS),
        default="evaluation",
        help="seed set: tuning 0-9, evaluation 20-39 (held out)",
    )
    parser.add_argument("--reads", type=int, help="only the first READS seeds of the set")
    parser.add_argument("--seeds", nargs="+", type=int, help="only these seeds of the set")
    parser.add_argument(
        "--configs", nargs="*", default=list(CONFIGURATIONS), choices=list(CONFIGURATIONS)
    )
    parser.add_argument(
        "--output", type=Path, default=RESULT_PATH, help="JSON record (results merged in)"
    )
    parser.add_argument(
        "--merge", nargs="*", type=Path, default=[], help="fold these records' results in"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON record")
    parser.add_argument("--per-size", type=int, default=8, help="subproblems per size (study)")
    parser.add_argument(
        "--subproblem-study",
        nargs="*",
        type=int,
        metavar="SIZE",
        help="instead: the mock's answers against the minima of subproblems of these sizes",
    )
    args = parser.parse_args(argv)
    seeds = SEED_SETS[args.role][: args.reads]
    if args.seeds:
        if set(args.seeds) - set(seeds):
            parser.error(f"--seeds must be among the {args.role} seeds {seeds}")
        seeds = args.seeds
    if args.subproblem_study:
        study = {
            "benchmark": "kerberos-subproblems",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": git_commit(),
            "dirty": git_dirty(),
            "machine": machine(),
            "run_seeds": seeds,
            "rows": subproblem_study(args.subproblem_study, seeds, args.per_size),
        }
        out = args.output if args.output != RESULT_PATH else STUDY_PATH
        write_atomically(out, study)
        print_study(study["rows"])
        return 0
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    for path in [args.output, *args.merge]:  # earlier results, newest last
        if path.exists():
            for row in json.loads(path.read_text())["results"]:
                key = (row["configuration"], row.get("role", "evaluation"))
                kept[key] = _combined(kept[key], row) if key in kept else row
    for name in args.configs:  # the record is written after each configuration
        row = run_configuration(name, seeds, args.role)
        kept[(row["configuration"], row["role"])] = row
        record = write_record(args.output, kept)
    if not args.configs:
        record = write_record(args.output, kept)
    if args.json:
        print(json.dumps(record, indent=2))
    else:
        print_table(record)
    return 0


def _combined(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """One result from two of the same configuration and role on other seeds (a run split
    over processes); the same seeds twice: the second replaces the first."""
    if set(first["seeds"]) & set(second["seeds"]):
        return second
    if (first["commit"], first["settings"]) != (second["commit"], second["settings"]):
        raise SystemExit(f"{first['configuration']}: parts from other commits or settings")
    runs = sorted(first["runs"] + second["runs"], key=lambda r: r["seed"])
    return {
        **summarise(runs),
        **{k: first[k] for k in ("configuration", "role", "commit", "settings", "date")},
        "dirty": first["dirty"] or second["dirty"],
        "seeds": [r["seed"] for r in runs],
    }


def write_record(output: Path, kept: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """Write the record of these results (atomically) and return it."""
    record = {
        "benchmark": "kerberos",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "dirty": git_dirty(),
        "machine": machine(),
        "versions": versions("qanneal", "dimod", "dwave-hybrid", "dwave-system", "numpy"),
        "problem": str(PROBLEM.relative_to(ROOT)),
        "tuning_seeds": SEED_SETS["tuning"],
        "evaluation_seeds": SEED_SETS["evaluation"],
        "results": sorted(kept.values(), key=lambda r: (r["role"], r["configuration"])),
        "result_path": str(output.resolve()).removeprefix(f"{ROOT}/"),
    }
    write_atomically(output, record)
    return record


if __name__ == "__main__":
    sys.exit(main())
