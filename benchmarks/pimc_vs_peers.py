"""Benchmark: qanneal's PIMCSampler against OpenJij's SQASampler and dwave-samplers'
PathIntegralAnnealingSampler on the same BQMs, in one process, each peer in its fastest
configuration.

What is measured
    Instances: (a) ``perceptron``, the slack QUBO of a random binary perceptron, N = 101,
    P = 30 (``random_patterns(101, 30, seed)``, 281 binary variables, dense rows); success =
    the decoded weights make zero training errors. (b) ``spin_glass``, a 3-D ±J
    Edwards–Anderson glass on an 8×8×8 periodic lattice (512 spins, 1536 couplings);
    success = the lowest energy any solver reached in the same part.

    OpenJij runs in every configuration it offers for a BQM — its dense graph, and its CSR
    graph (``openjij.BinaryQuadraticModel(..., sparse=True)``) on the sparse instance; 1 and
    2 OpenMP threads — and each comparison takes the fastest. Its model object is built
    before the timer (qanneal's packing is inside its own timer). OpenJij gives every read
    of one seeded call the same stream, so it is called once per read (seeds seed + r).
    Every timed call runs ``--repeats`` times, all solvers in turn (background load hits
    them alike); the fastest wall time is kept, the samples of the first are scored.

    Parts (``--parts``):

    * ``defaults`` — what a user gets: ``PIMCSampler().sample(bqm, num_reads=R,
      num_sweeps=S, trotter=M)`` with nothing else (the rule ``energy-ramp``: β rising and
      Γ falling, both from the flip energies, local moves; ``bqm_beta.py`` chose it)
      against ``SQASampler().sample(model, num_reads=1, num_sweeps=S, trotter=M)`` at
      OpenJij's defaults. Headline: qanneal's wall time over
      the fastest OpenJij configuration's (target ≤ 0.5 on the QUBO) and the success
      shares (target: qanneal's at least as high). qanneal also runs on one numba thread
      (``qanneal 1T``): on a loaded machine a parallel call waits for its slowest thread,
      while OpenJij's fastest configuration here is its single thread.
    * ``schedule`` — the same fixed β and linear Γ for everyone (mapped exactly onto
      OpenJij's s-schedule, ``_peers.openjij_schedule``); slice-spin proposals per second =
      reads × sweeps × M × n / the solver's own sampling time (target ≥ 2× OpenJij's
      fastest); dwave-samplers is continuous-time and compared on success and worldline
      updates (reads × sweeps × n / sampling time).
    * ``moves`` — qanneal with each move set at the default protocol's β and Γ, at equal
      sweeps and at equal wall time (each variant gets the sweeps that fit in local-only's
      time): the measurement behind the default moves on BQMs.

How to run (from the repository root)
    pip install '.[bench]'
    python benchmarks/pimc_vs_peers.py [--parts defaults schedule moves] [--seed 0]
        [--reads 10] [--sweeps 500] [--trotter 16] [--repeats 3] [--quick] [--json]

About 10–20 minutes on 2 shared cores (``--quick``: a minute). Writes
``benchmarks/results/pimc_vs_peers.json`` (``_quick`` with ``--quick``) after every part.
Exit status: 0 when every target of the parts run is met, 1 otherwise, 2 without the peers.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import _peers
import numpy as np
from _common import Benchmark, common_parser, log, run_main
from _peers import Instance, Run

NAME = "pimc_vs_peers"
PACKAGES = ("qanneal", "openjij", "dwave-samplers", "dimod", "numba", "numpy")
PARTS = ("defaults", "schedule", "moves")
TARGET_WALL_RATIO, TARGET_SPEEDUP = 0.5, 2.0
MOVE_SETS = (("local",), ("rejection_free",), ("local", "cluster"), ("local", "global"))
# the ``schedule`` part's fixed β and Γ (a pilot scan of qanneal on seed 0; Γ_end makes
# βΓ/M ≈ 1e-3, where the slices are locked together)
SCHEDULES = {"perceptron": (0.3, 15.0, 0.05), "spin_glass": (8.0, 3.0, 0.01)}


def openjij_configs(inst: Instance) -> dict[str, tuple[Any, int]]:
    """name -> (OpenJij model, OpenMP threads) for every configuration worth trying."""
    graphs = {"dense": _peers.openjij_model(inst, sparse=False)}
    if inst.sparse:
        graphs["sparse"] = _peers.openjij_model(inst, sparse=True)
    return {f"openjij {g} {t}T": (m, t) for g, m in graphs.items() for t in (1, 2)}


def timed(plan: dict[str, Callable[[], Run]], repeats: int) -> dict[str, Run]:
    """Each call ``repeats`` times in turn; the fastest wall time, the first samples."""
    best: dict[str, Run] = {}
    for repeat in range(repeats):
        for name, call in plan.items():
            log(f"  {name} ({repeat + 1}/{repeats})")
            run = call()
            if name not in best:
                best[name] = run
            elif run.wall < best[name].wall:
                best[name] = Run(best[name].samples, run.wall, run.sampling, best[name].extra)
    return best


def score(inst: Instance, runs: dict[str, Run]) -> dict[str, dict[str, Any]]:
    """Successes per solver: zero training errors, or the lowest energy of the part."""
    energies = {name: inst.energies(run.samples) for name, run in runs.items()}
    lowest = min(float(e.min()) for e in energies.values())
    rows = {}
    for name, run in runs.items():
        hits = inst.hits(run.samples, lowest)
        rows[name] = {
            "reads": len(run.samples),
            "successes": int(sum(hits)),
            "success_share": float(np.mean(hits)),
            "wall_s": run.wall,
            "sampling_s": run.sampling,
            "best_energy": float(energies[name].min()),
            "mean_energy": float(energies[name].mean()),
            **run.extra,
        }
    return rows


def defaults_part(inst: Instance, args: Any) -> dict[str, Any]:
    common = {"num_sweeps": args.sweeps, "trotter": args.trotter}
    reads, seed = args.reads, args.seed
    plan: dict[str, Callable[[], Run]] = {
        "qanneal": lambda: _peers.run_qanneal(inst, reads, seed, **common),
        "qanneal 1T": lambda: _peers.run_qanneal(inst, reads, seed, 1, **common),
    }
    for name, (model, threads) in openjij_configs(inst).items():
        plan[name] = lambda m=model, t=threads: _peers.run_openjij(
            inst, m, reads, seed, t, **common
        )
    rows = score(inst, timed(plan, args.repeats))
    peers = {name: row for name, row in rows.items() if name.startswith("openjij")}
    fastest = min(peers, key=lambda name: peers[name]["wall_s"])
    ratio = rows["qanneal"]["wall_s"] / peers[fastest]["wall_s"]
    one_thread = rows["qanneal 1T"]["wall_s"] / peers[fastest]["wall_s"]
    return {
        "call": f"PIMCSampler().sample(bqm, num_reads={reads}, num_sweeps={args.sweeps}, "
        f"trotter={args.trotter}) vs SQASampler().sample(model, num_reads=1, "
        f"num_sweeps={args.sweeps}, trotter={args.trotter}) x {reads}",
        "solvers": rows,
        "fastest_openjij": fastest,
        "wall_ratio": ratio,
        "wall_ratio_1thread": one_thread,
        "wall_target_met": bool(ratio <= TARGET_WALL_RATIO),
        "success_target_met": bool(
            rows["qanneal"]["success_share"] >= peers[fastest]["success_share"]
        ),
    }


def schedule_part(inst: Instance, args: Any) -> dict[str, Any]:
    beta, start, end = SCHEDULES[inst.name]
    gammas = np.linspace(start, end, args.sweeps)
    gamma_oj, steps = _peers.openjij_schedule(beta, gammas)
    ours = {"num_sweeps": args.sweeps, "trotter": args.trotter, "beta": beta}
    ours["gamma_schedule"] = (start, end)
    reads, seed, m = args.reads, args.seed, args.trotter
    plan: dict[str, Callable[[], Run]] = {
        "qanneal local": lambda: _peers.run_qanneal(inst, reads, seed, moves=("local",), **ours),
        "qanneal local 1T": lambda: _peers.run_qanneal(
            inst, reads, seed, 1, moves=("local",), **ours
        ),
        "qanneal local+cluster": lambda: _peers.run_qanneal(
            inst, reads, seed, moves=("local", "cluster"), **ours
        ),
    }
    for name, (model, threads) in openjij_configs(inst).items():
        plan[name] = lambda mo=model, t=threads: _peers.run_openjij(
            inst, mo, reads, seed, t, beta=beta, gamma=gamma_oj, schedule=steps, trotter=m
        )
    plan["dwave"] = lambda: _peers.run_dwave(inst, reads, seed, beta, gammas)
    rows = score(inst, timed(plan, args.repeats))
    n = inst.bqm.num_variables
    for name, row in rows.items():
        row["worldline_updates_per_s"] = reads * args.sweeps * n / row["sampling_s"]
        if name != "dwave":
            row["slice_updates_per_s"] = row["worldline_updates_per_s"] * m
    peers = [name for name in rows if name.startswith("openjij")]
    fastest = max(peers, key=lambda name: rows[name]["slice_updates_per_s"])
    speedup = rows["qanneal local"]["slice_updates_per_s"] / rows[fastest]["slice_updates_per_s"]
    return {
        "schedule": {"beta": beta, "gamma": [start, end, "linear"], "sweeps": args.sweeps},
        "solvers": rows,
        "fastest_openjij": fastest,
        "speedup": speedup,
        "speed_target_met": bool(speedup >= TARGET_SPEEDUP),
        "rate_vs_dwave": rows["qanneal local"]["worldline_updates_per_s"]
        / rows["dwave"]["worldline_updates_per_s"],
    }


def moves_part(inst: Instance, args: Any) -> list[dict[str, Any]]:
    reads, sweeps = args.moves_reads, args.sweeps
    rows = []
    for moves in MOVE_SETS:
        log(f"  moves {'+'.join(moves)}: equal sweeps")
        run = _peers.run_qanneal(inst, reads, args.seed + 1, num_sweeps=sweeps, moves=moves)
        rows.append({"moves": list(moves), "equal_sweeps": score(inst, {"x": run})["x"]})
    budget = rows[0]["equal_sweeps"]["sampling_s"]
    for row in rows:
        timed_sweeps = max(1, round(budget / (row["equal_sweeps"]["sampling_s"] / sweeps)))
        log(f"  moves {'+'.join(row['moves'])}: equal time, {timed_sweeps} sweeps")
        run = _peers.run_qanneal(
            inst, reads, args.seed + 2, num_sweeps=timed_sweeps, moves=tuple(row["moves"])
        )
        row["equal_time"] = {"sweeps": timed_sweeps, **score(inst, {"x": run})["x"]}
    return rows


def run(bench: Benchmark) -> int:
    args = bench.args
    if _peers.openjij is None or _peers.PathIntegralAnnealingSampler is None:
        log("openjij and dwave-samplers are needed: pip install '.[bench]'")
        return 2
    instances = [
        _peers.perceptron_instance(101, 0.3, args.seed),
        _peers.spin_glass_instance(8, args.seed),
    ]
    warm_up(instances)
    met = []
    for inst in instances:
        part = bench.record.setdefault(inst.name, {"instance": inst.description})
        if "defaults" in args.parts:
            log(f"[{inst.name}] defaults")
            part["defaults"] = defaults_part(inst, args)
            if inst.model is not None:  # the headline target is the QUBO's
                met += [part["defaults"]["wall_target_met"], part["defaults"]["success_target_met"]]
            bench.save()
        if "schedule" in args.parts:
            log(f"[{inst.name}] same schedule")
            part["schedule"] = schedule_part(inst, args)
            met.append(part["schedule"]["speed_target_met"])
            bench.save()
        if "moves" in args.parts:
            log(f"[{inst.name}] moves")
            part["moves"] = moves_part(inst, args)
            bench.save()
    return 0 if all(met) else 1


def warm_up(instances: list[Instance]) -> None:
    """Compile qanneal's kernels for both back-ends and every move (outside every timing)."""
    for inst in instances:
        for moves in MOVE_SETS:
            _peers.run_qanneal(inst, 2, 0, num_sweeps=3, trotter=4, moves=moves)
        _peers.run_dwave(inst, 1, 0, 1.0, np.linspace(1.0, 0.1, 3))


def print_table(record: dict[str, Any]) -> None:
    for key in ("perceptron", "spin_glass"):
        part = record.get(key)
        if not part:
            continue
        print(f"\n== {key}: {part['instance']}")
        if "defaults" in part:
            d = part["defaults"]
            print(f"defaults: {d['call']}")
            _rows(d["solvers"], ("wall_s", "success_share", "mean_energy"))
            print(f"  wall time qanneal / fastest OpenJij ({d['fastest_openjij']}): "
                  f"{d['wall_ratio']:.2f} (target <= {TARGET_WALL_RATIO}); qanneal on 1 "
                  f"thread: {d['wall_ratio_1thread']:.2f}")  # fmt: skip
        if "schedule" in part:
            s = part["schedule"]
            print(f"same schedule: {s['schedule']}")
            _rows(s["solvers"], ("sampling_s", "slice_updates_per_s", "success_share"))
            print(f"  slice-spin rate qanneal local / {s['fastest_openjij']}: "
                  f"{s['speedup']:.2f}x (target >= {TARGET_SPEEDUP}); vs dwave worldlines "
                  f"{s['rate_vs_dwave']:.1f}x")  # fmt: skip
        for row in part.get("moves", []):
            a, b = row["equal_sweeps"], row["equal_time"]
            print(f"  moves {'+'.join(row['moves']):<18} equal sweeps {a['successes']:>3}/"
                  f"{a['reads']} in {a['sampling_s']:.2f} s; equal time ({b['sweeps']} sweeps) "
                  f"{b['successes']:>3}/{b['reads']}")  # fmt: skip


def _rows(rows: dict[str, dict[str, Any]], keys: tuple[str, ...]) -> None:
    for name, row in rows.items():
        cells = "  ".join(f"{k} {row.get(k, float('nan')):.4g}" for k in keys)
        print(f"  {name:<24} {cells}")


def parser() -> Any:
    parser = common_parser(__doc__)
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--seed", type=int, default=0, help="instance and sampler seed")
    parser.add_argument("--reads", type=int, default=10)
    parser.add_argument("--sweeps", type=int, default=500)
    parser.add_argument("--trotter", type=int, default=16)
    parser.add_argument("--moves-reads", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; fastest kept")
    return parser


def check(args: Any) -> str | None:
    if args.quick:
        args.reads, args.sweeps, args.moves_reads, args.repeats = 4, 100, 8, 1
    counts = (args.reads, args.sweeps, args.trotter, args.moves_reads, args.repeats)
    return (
        "reads, sweeps, trotter, moves-reads and repeats must be >= 1" if min(counts) < 1 else None
    )


if __name__ == "__main__":
    sys.exit(run_main(NAME, parser(), run, print_table, PACKAGES, check=check))
