"""Benchmark: which β (and Γ) ``pimc`` should choose by default on a BQM — candidate rules
on tuning instances, then the chosen one against the current rule and OpenJij's defaults
on instances no tuning saw (issue 14, "done when" 2).

What is measured
    The call a user makes, ``PIMCSampler().sample(bqm, num_reads=10, num_sweeps=500,
    trotter=16)``, with β and Γ = (start, end) set by a candidate rule from what the
    default rules see (the sampler's own probe: single-flip energies at two random states,
    and at two states 20 zero-temperature sweeps reach from random ones — the same seeds,
    hence the same numbers, as the sampler's). Local moves, as the BQM default.

    Instances (``_peers``): the slack QUBO of a random binary perceptron, N = 101, α = 0.3
    (281 binary variables), success = zero training errors of the decoded weights; and the
    8×8×8 periodic ±J glass, success = the best known energy: the lowest reached by any
    solver of the run on that instance, or by a reference SA run (dwave-samplers'
    SimulatedAnnealingSampler, 16 reads × 10 000 sweeps) — whichever is lower.

    Rules (``RULES``; q = median non-zero |ΔE| at the quenched states, the ``local_scale``
    of the current rule; m = smallest non-zero |ΔE| at the random states):

    * ``energy-scale`` (the rule before this benchmark): β = ln 100 / m, Γ from q to m / 100.
    * ``quench-b{c}``: β = c / q (a median flip near the minima is accepted with
      probability e^-c once the slices lock), Γ from q to m / 100 as before.
    * ``quench-b{c}-g``: β = c / q, Γ from q to M / (1000 β) (βΓ/M = 10^-3 at the end,
      where the slices are locked: the ``schedule`` part's hand-tuned end point).
    * ``min-b{c}``: β = c / m (a flip of the smallest energy accepted with probability
      e^-c; the current rule is c = ln 100 ≈ 4.6), Γ from q to m / 100.
    * ``ramp-b{c}``: β linear in the sweeps from 1 / q to c / m, Γ from q to m / 100 (cold
      at the end like OpenJij's s-schedule at β = 5).

    Parts (``--parts``):

    * ``tune`` — every rule (or ``--rules``) on the tuning instances (QUBO and glass seeds
      ``--tune-seeds``); OpenJij too with ``--openjij``. ``--calls K``: K calls of 10 reads
      per instance and solver (call seeds seed, seed + 1000, …).
    * ``evaluate`` — ``--rules`` (default: the current rule and the chosen one) and OpenJij
      (``SQASampler().sample(model, num_reads=1, num_sweeps=500, trotter=16)`` × 10 at its
      defaults, single thread: dense graph on the QUBO, CSR on the glass — its fastest
      configurations in ``pimc_vs_peers.py``) on the evaluation instances
      (``--eval-seeds``), wall time of each whole call measured in this process.

How to run (from the repository root)
    pip install '.[bench]'
    python benchmarks/bqm_beta.py --parts tune                  # ~10 min on 2 shared cores
    python benchmarks/bqm_beta.py --parts evaluate --tag eval   # ~15 min

Writes ``benchmarks/results/bqm_beta[-TAG].json`` after every instance, with the tuning and
evaluation seeds (``_common.split_seeds``). Exit status 0; 2 without the peers.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import Any

import _peers
import numpy as np
from _common import (
    HELD_OUT_PARTS,
    Benchmark,
    check_held_out,
    common_parser,
    held_out_arguments,
    log,
    part_seeds,
    run_main,
    split_seeds,
)
from _peers import Instance, Run

from qanneal.samplers.pimc.driver import compile_probe, flip_energies, quenched_flip_energies
from qanneal.samplers.pimc.packing import pack_bqm
from qanneal.samplers.pimc.sampler import PROBE_STREAM
from qanneal.samplers.protocols import Target

try:
    from dwave.samplers import SimulatedAnnealingSampler
except ImportError:  # reported by run()
    SimulatedAnnealingSampler = None

NAME = "bqm_beta"
PACKAGES = ("qanneal", "openjij", "dwave-samplers", "dimod", "numba", "numpy")
KINDS = ("perceptron", "spin_glass")
CALL = {"num_reads": 10, "num_sweeps": 500, "trotter": 16}

# β, Γ start, Γ end; or β start, β end, Γ start, Γ end (β linear in the sweeps)
Choice = tuple[float, ...]


def _scales(target: Target) -> tuple[float, float]:
    """(m, q): the smallest random-state flip, the median quenched flip."""
    low = (target.energy_range() or (1.0, 1.0))[0]
    return low, target.local_scale() or low


def energy_scale(target: Target) -> Choice:
    low, q = _scales(target)
    return math.log(100.0) / low, q, 0.01 * low


def quench(c: float, gamma_end: str) -> Callable[[Target], Choice]:
    def rule(target: Target) -> Choice:
        low, q = _scales(target)
        beta = c / q
        end = 0.01 * low if gamma_end == "low" else CALL["trotter"] / (1000.0 * beta)
        return beta, q, end

    return rule


def smallest(c: float) -> Callable[[Target], Choice]:
    def rule(target: Target) -> Choice:
        low, q = _scales(target)
        return c / low, q, 0.01 * low

    return rule


def ramp(c: float) -> Callable[[Target], Choice]:
    def rule(target: Target) -> Choice:
        low, q = _scales(target)
        return 1.0 / q, c / low, q, 0.01 * low

    return rule


RULES: dict[str, Callable[[Target], Choice]] = {"energy-scale": energy_scale}
RULE_TEXT = {"energy-scale": "beta = ln 100 / m, Gamma q -> m / 100"}
for _c in (2, 4, 8, 16, 32):
    RULES[f"quench-b{_c}"] = quench(float(_c), "low")
    RULES[f"quench-b{_c}-g"] = quench(float(_c), "locked")
    RULE_TEXT[f"quench-b{_c}"] = f"beta = {_c} / q, Gamma q -> m / 100"
    RULE_TEXT[f"quench-b{_c}-g"] = f"beta = {_c} / q, Gamma q -> M / (1000 beta)"
for _c in (64, 128, 256, 512):
    RULES[f"quench-b{_c}"] = quench(float(_c), "low")
    RULE_TEXT[f"quench-b{_c}"] = f"beta = {_c} / q, Gamma q -> m / 100"
for _c in (8, 16, 32):
    RULES[f"min-b{_c}"] = smallest(float(_c))
    RULE_TEXT[f"min-b{_c}"] = f"beta = {_c} / m, Gamma q -> m / 100"
for _c in (8, 16, 32, 64, 128, 256, 512):
    RULES[f"ramp-b{_c}"] = ramp(float(_c))
    RULE_TEXT[f"ramp-b{_c}"] = f"beta linear 1 / q -> {_c} / m, Gamma q -> m / 100"


def target_of(inst: Instance, seed: int) -> Target:
    """What the sampler's default rule sees for this call's seed (same probe stream)."""
    packed = pack_bqm(inst.bqm)
    compile_probe(packed)
    probe = np.random.default_rng([seed, PROBE_STREAM])
    quenched = quenched_flip_energies(packed, probe)
    flips = flip_energies(packed, probe)
    return Target("bqm", packed.num_variables, flips, None, quenched)


def instance(kind: str, seed: int) -> Instance:
    if kind == "perceptron":
        return _peers.perceptron_instance(101, 0.3, seed)
    return _peers.spin_glass_instance(8, seed)


def reference_energy(inst: Instance, seed: int) -> float:
    """Lowest energy of a long SA run (the glass's best-known floor)."""
    sampleset = SimulatedAnnealingSampler().sample(
        inst.bqm, num_reads=16, num_sweeps=10_000, seed=seed + 12345
    )
    return float(sampleset.first.energy)


def run_rule(inst: Instance, seed: int, choice: Choice | None) -> Run:
    params: dict[str, Any] = dict(CALL)
    if choice is not None and len(choice) == 3:
        beta, start, end = choice
        params.update(beta=beta, gamma_schedule=(start, end))
    elif choice is not None:
        first, last, start, end = choice
        betas = np.linspace(first, last, params["num_sweeps"])
        params.update(beta_schedule=betas, gamma_schedule=(start, end))
    reads = params.pop("num_reads")
    return _peers.run_qanneal(inst, reads, seed, **params)


def score(inst: Instance, runs: dict[str, Run], floor: float | None) -> dict[str, Any]:
    energies = {name: inst.energies(run.samples) for name, run in runs.items()}
    lowest = min([float(e.min()) for e in energies.values()] + ([floor] if floor else []))
    rows: dict[str, Any] = {}
    for name, run in runs.items():
        hits = inst.hits(run.samples, lowest)
        rows[name] = {
            "successes": int(sum(hits)),
            "reads": len(hits),
            "mean_energy": float(energies[name].mean()),
            "best_energy": float(energies[name].min()),
            "wall_s": run.wall,
            **{k: v for k, v in run.extra.items() if k in ("protocol", "acceptance")},
        }
    return {"best_known": lowest, "solvers": rows}


def one_instance(
    kind: str, seed: int, rules: list[str], openjij: bool, calls: int = 1
) -> dict[str, Any]:
    """Every rule (and OpenJij) on one instance, ``calls`` calls each (call seeds seed,
    seed + 1000, …; each call's rule sees its own probe), scored together."""
    inst = instance(kind, seed)
    model = _peers.openjij_model(inst, sparse=inst.sparse) if openjij else None
    runs: dict[str, Run] = {}
    scales = []
    for k in range(calls):
        call_seed = seed + 1000 * k
        target = target_of(inst, call_seed)
        scales.append(_scales(target))
        plan: dict[str, Callable[[], Run]] = {}
        for name in rules:
            choice = RULES[name](target)
            plan[name] = lambda c=choice, s=call_seed: run_rule(inst, s, c)
        if model is not None:
            plan["openjij"] = lambda s=call_seed: _peers.run_openjij(
                inst, model, CALL["num_reads"], s, 1, num_sweeps=500, trotter=16
            )
        for name, call in plan.items():
            run = call()
            if name in runs:
                before = runs[name]
                run = Run(
                    np.concatenate([before.samples, run.samples]),
                    before.wall + run.wall,
                    before.sampling + run.sampling,
                    before.extra,
                )
            runs[name] = run
    floor = reference_energy(inst, seed) if inst.model is None else None
    row = score(inst, runs, floor)
    low, q = scales[0]
    row.update(seed=seed, min_flip=low, median_quenched_flip=q, reference_sa=floor)
    return row


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    names = list(rows[0]["solvers"]) if rows else []
    out = {}
    for name in names:
        cells = [row["solvers"][name] for row in rows]
        out[name] = {
            "successes": sum(c["successes"] for c in cells),
            "reads": sum(c["reads"] for c in cells),
            "instances_solved": sum(c["successes"] > 0 for c in cells),
            "mean_energy": float(np.mean([c["mean_energy"] for c in cells])),
            "wall_s": float(sum(c["wall_s"] for c in cells)),
        }
    if "openjij" in out:
        for name in names:
            out[name]["wall_ratio_vs_openjij"] = out[name]["wall_s"] / out["openjij"]["wall_s"]
    return out


def run(bench: Benchmark) -> int:
    args = bench.args
    if _peers.openjij is None or SimulatedAnnealingSampler is None:
        log("openjij and dwave-samplers are needed: pip install '.[bench]'")
        return 2
    bench.record["seeds"] = split_seeds(args.tune_seeds, args.eval_seeds)
    bench.record["call"] = CALL
    bench.record["rules"] = RULE_TEXT
    for kind in KINDS:  # compile outside every measurement
        run_rule(instance(kind, 0), 0, (1.0, 1.0, 0.01))
    for part in args.parts:
        seeds = part_seeds(args, part)
        peers = part == "evaluate" or args.openjij
        rules = args.rules or (list(RULES) if part == "tune" else ["energy-scale"])
        record = bench.record.setdefault(part, {"rules": rules, "instances": {}})
        for kind in KINDS:
            rows = record["instances"].setdefault(kind, [])
            for seed in seeds:
                log(f"[{part}] {kind} seed {seed}")
                start = time.perf_counter()
                rows.append(one_instance(kind, seed, rules, peers, args.calls))
                log(f"  {time.perf_counter() - start:.1f} s")
                record.setdefault("summary", {})[kind] = summarise(rows)
                bench.save()
    return 0


def print_table(record: dict[str, Any]) -> None:
    for part in HELD_OUT_PARTS:
        if part not in record:
            continue
        for kind, summary in record[part].get("summary", {}).items():
            seeds = record["seeds"]["tuning" if part == "tune" else "evaluation"]
            print(f"\n== {part}: {kind}, seeds {seeds[0]}–{seeds[-1]}")
            for name, s in summary.items():
                ratio = s.get("wall_ratio_vs_openjij")
                versus = f" ({ratio:.2f}x OpenJij)" if ratio else ""
                print(f"  {name:<16} solved {s['successes']:>3}/{s['reads']} reads, "
                      f"{s['instances_solved']:>2} instances; mean energy "
                      f"{s['mean_energy']:9.2f}; wall {s['wall_s']:6.2f} s{versus}")  # fmt: skip


def parser() -> Any:
    parser = common_parser(__doc__)
    held_out_arguments(parser)
    parser.add_argument("--calls", type=int, default=1, help="calls per instance and rule")
    parser.add_argument("--openjij", action="store_true", help="OpenJij in the tune part too")
    parser.add_argument(
        "--rules", nargs="+", choices=list(RULES), help="default: tune all; evaluate the current"
    )
    return parser


if __name__ == "__main__":
    sys.exit(run_main(NAME, parser(), run, print_table, PACKAGES, check=check_held_out))
