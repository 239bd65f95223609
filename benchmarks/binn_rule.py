"""Benchmark: whether ``pimc``'s default on BiNN native energies (``binn-quantum``: β fixed
at ln 100 / m) should ramp β the way ``energy-ramp`` does on BQMs (issue 14).

What is measured
    The user's call ``PIMCSampler().sample_model(model, num_reads=R, seed=s,
    num_sweeps=S)`` on a one-hidden-layer BiNN, with candidate rules setting only β (per
    sweep), Γ = (start, end) and the moves from what the default rules see (the sampler's
    own probe: single-flip energies at two random states, and at two states a 20-sweep
    quench reaches — the same seeds, hence the same numbers, as the sampler's). M = 16 as
    the default. ``S`` is given (``--sweeps``, 100) because the default 1000 sweeps take
    tens of seconds per call at this size on 2 shared cores.

    Instances: N inputs → H sign units → 1 linear output, no biases, loss ``errors``, P
    teacher patterns labelled by a random network of the same shape
    (``datasets.teacher_patterns`` as ``problem.py`` builds ``source = "teacher"``; odd N
    and H so no sign is ever 0). Success = zero training errors; errors left are reported.

    Rules (``RULES``; m = smallest non-zero |ΔE| at the random states, q = median
    non-zero |ΔE| at the quenched states):

    * ``default`` — nothing but ``num_sweeps`` given: whatever the sampler's rule chooses
      (``binn-quantum`` up to commit d80ef58, whose ``binn_rule-tune``/``-eval`` runs call
      it ``binn-quantum``; ``binn-ramp`` since).
    * ``binn-quantum`` — the rule before, spelled out: β = ln 100 / m fixed, Γ linear from
      q to m / 100, local + cluster moves.
    * ``ramp-c{c}`` — β linear in the sweeps from min(1/q, c/m) to c/m, Γ from q to m / 100,
      local + cluster (``energy-ramp`` is c = 256 with local moves).
    * ``ramp-c{c}-local`` — the same with local moves only.
    * ``sa`` — ``AnnealingSampler().sample_model(model, num_reads=R, seed=s,
      num_sweeps=K)`` at its defaults otherwise, K = the single-spin updates of one
      ``binn-quantum`` read / (number of weights): equal single-spin updates.

    Parts (``--parts``): ``tune`` — every rule (or ``--rules``) on ``--tune-seeds``;
    ``evaluate`` — ``--rules`` on ``--eval-seeds``. Instance seed s is also the call seed.

How to run (from the repository root)
    pip install '.[bench]'
    python benchmarks/binn_rule.py --parts tune --tag tune
    python benchmarks/binn_rule.py --parts evaluate --tag eval --rules default binn-quantum sa

Writes ``benchmarks/results/binn_rule[-TAG].json`` after every instance, with the tuning
and evaluation seeds (``_common.split_seeds``). Exit status 0.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

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

from qanneal.models import BinaryNeuralNetwork, datasets
from qanneal.samplers import AnnealingSampler, PIMCSampler
from qanneal.samplers.pimc.driver import compile_probe, flip_energies, quenched_flip_energies
from qanneal.samplers.pimc.packing import pack_model
from qanneal.samplers.pimc.sampler import PROBE_STREAM
from qanneal.samplers.protocols import Target

NAME = "binn_rule"
PACKAGES = ("qanneal", "dimod", "numba", "numpy")
TROTTER = 16
CLUSTER = ("local", "cluster")


def instance(args: Any, seed: int) -> BinaryNeuralNetwork:
    """A BiNN N-H-1 on P teacher patterns (teacher of the same shape), loss ``errors``."""
    shape = {"hidden": [args.hidden], "bias": False, "loss": "errors"}
    teacher = BinaryNeuralNetwork(args.inputs, **shape)  # type: ignore[arg-type]
    data = datasets.teacher_patterns(
        args.inputs, args.patterns, teacher.predict, teacher.num_variables, seed=seed
    )
    return BinaryNeuralNetwork(args.inputs, data.x_train, data.y_train, **shape)  # type: ignore[arg-type]


def scales(model: BinaryNeuralNetwork, seed: int) -> tuple[float, float]:
    """(m, q) as the sampler's default rule sees them for this call seed."""
    packed = pack_model(model)
    compile_probe(packed)
    probe = np.random.default_rng([seed, PROBE_STREAM])
    quenched = quenched_flip_energies(packed, probe)
    flips = flip_energies(packed, probe)
    target = Target("binn", packed.num_variables, flips, model.fan_in, quenched)
    low = (target.energy_range() or (1.0, 1.0))[0]
    return low, target.local_scale() or low


Params = Callable[[float, float, int], dict[str, Any]]


def ramp(c: float, moves: tuple[str, ...]) -> Params:
    def params(low: float, q: float, sweeps: int) -> dict[str, Any]:
        end = c / low
        betas = np.linspace(min(1.0 / q, end), end, sweeps)
        return {"beta_schedule": betas, "gamma_schedule": (q, 0.01 * low), "moves": moves}

    return params


def binn_quantum(low: float, q: float, sweeps: int) -> dict[str, Any]:
    """The default before ``binn-ramp``, spelled out so that it can be measured after."""
    return {"num_sweeps": sweeps, "beta": np.log(100.0) / low, "gamma_schedule": (q, 0.01 * low),
            "moves": CLUSTER}  # fmt: skip


RULES: dict[str, Params | None] = {
    "default": lambda low, q, sweeps: {"num_sweeps": sweeps},
    "binn-quantum": binn_quantum,
}
RULE_TEXT = {
    "default": "whatever the sampler's default rule chooses (only num_sweeps given)",
    "binn-quantum": "beta = ln 100 / m fixed, Gamma q -> m/100, local + cluster",
}
for _c in (8, 32, 256):
    RULES[f"ramp-c{_c}"] = ramp(float(_c), CLUSTER)
    RULES[f"ramp-c{_c}-local"] = ramp(float(_c), ("local",))
    RULE_TEXT[f"ramp-c{_c}"] = f"beta linear 1/q -> {_c}/m, Gamma q -> m/100, local + cluster"
    RULE_TEXT[f"ramp-c{_c}-local"] = f"beta linear 1/q -> {_c}/m, Gamma q -> m/100, local"
RULES["sa"] = None
RULE_TEXT["sa"] = "sa defaults at the single-spin updates of one binn-quantum read"


def errors_of(model: BinaryNeuralNetwork, sampleset: Any) -> list[int]:
    columns = [sampleset.variables.index(name) for name in model.variables]
    weights = np.asarray(sampleset.record.sample)[:, columns].astype(np.int8)
    return [int(model.errors(w)) for w in weights]


def one_instance(args: Any, seed: int, rules: list[str]) -> dict[str, Any]:
    model = instance(args, seed)
    low, q = scales(model, seed)
    sa_sweeps = TROTTER * args.sweeps * len(CLUSTER)  # binn-quantum's updates per weight
    rows: dict[str, Any] = {}
    for name in rules:
        rule = RULES[name]
        start = time.perf_counter()
        if rule is None:
            sampleset = AnnealingSampler().sample_model(
                model, num_reads=args.reads, seed=seed, num_sweeps=sa_sweeps
            )
        else:
            params = rule(low, q, args.sweeps)
            sampleset = PIMCSampler().sample_model(
                model, num_reads=args.reads, seed=seed, trotter=TROTTER, **params
            )
        wall = time.perf_counter() - start
        errors = errors_of(model, sampleset)
        rows[name] = {
            "successes": sum(e == 0 for e in errors),
            "reads": len(errors),
            "errors": errors,
            "mean_errors": float(np.mean(errors)),
            "wall_s": wall,
            "protocol": {
                k: v
                for k, v in sampleset.info.get("protocol", {}).items()
                if k not in ("beta_values", "seed")
            },
        }
    return {"seed": seed, "min_flip": low, "median_quenched_flip": q, "solvers": rows}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for name in rows[0]["solvers"]:
        cells = [row["solvers"][name] for row in rows]
        out[name] = {
            "successes": sum(c["successes"] for c in cells),
            "reads": sum(c["reads"] for c in cells),
            "instances_solved": sum(c["successes"] > 0 for c in cells),
            "mean_errors": float(np.mean([c["mean_errors"] for c in cells])),
            "wall_s": float(sum(c["wall_s"] for c in cells)),
        }
    return out


def warm_up(args: Any) -> None:
    """Compile every kernel a rule uses, outside the timings."""
    model = instance(args, 0)
    for moves in (CLUSTER, ("local",)):
        PIMCSampler().sample_model(model, num_reads=2, num_sweeps=3, trotter=TROTTER, seed=0,
                                   moves=moves, beta_schedule=[1.0, 2.0, 3.0])  # fmt: skip
        PIMCSampler().sample_model(model, num_reads=2, num_sweeps=3, trotter=TROTTER, seed=0,
                                   moves=moves)  # fmt: skip
    AnnealingSampler().sample_model(model, num_reads=2, num_sweeps=3, seed=0)


def run(bench: Benchmark) -> int:
    args = bench.args
    bench.record["seeds"] = split_seeds(args.tune_seeds, args.eval_seeds)
    bench.record["instance"] = (
        f"BiNN {args.inputs}-{args.hidden}-1, no biases, loss errors, {args.patterns} teacher "
        "patterns (teacher of the same shape), instance seed = call seed"
    )
    bench.record["call"] = {"num_reads": args.reads, "num_sweeps": args.sweeps, "trotter": TROTTER}
    bench.record["rules"] = {name: RULE_TEXT[name] for name in args.rules}
    warm_up(args)
    for part in args.parts:
        seeds = part_seeds(args, part)
        record = bench.record.setdefault(part, {"rules": args.rules, "instances": []})
        for seed in seeds:
            log(f"[{part}] seed {seed}")
            start = time.perf_counter()
            record["instances"].append(one_instance(args, seed, args.rules))
            log(f"  {time.perf_counter() - start:.1f} s")
            record["summary"] = summarise(record["instances"])
            bench.save()
    return 0


def print_table(record: dict[str, Any]) -> None:
    for part in HELD_OUT_PARTS:
        if part not in record:
            continue
        seeds = record["seeds"]["tuning" if part == "tune" else "evaluation"]
        print(f"\n== {part}: {record['instance']}; seeds {seeds[0]}–{seeds[-1]}")
        for name, s in record[part].get("summary", {}).items():
            print(f"  {name:<18} solved {s['successes']:>3}/{s['reads']} reads, "
                  f"{s['instances_solved']:>2} instances; mean errors {s['mean_errors']:5.2f}; "
                  f"wall {s['wall_s']:7.2f} s")  # fmt: skip


def parser() -> Any:
    parser = common_parser(__doc__)
    held_out_arguments(parser)
    parser.add_argument("--rules", nargs="+", choices=list(RULES), default=list(RULES))
    parser.add_argument("--inputs", type=int, default=15)
    parser.add_argument("--hidden", type=int, default=3)
    parser.add_argument("--patterns", type=int, default=30)
    parser.add_argument("--reads", type=int, default=10)
    parser.add_argument("--sweeps", type=int, default=100)
    return parser


def check(args: Any) -> str | None:
    check_held_out(args)
    if min(args.inputs, args.hidden, args.patterns, args.reads, args.sweeps) < 1:
        return "inputs, hidden, patterns, reads and sweeps must be >= 1"
    return None


if __name__ == "__main__":
    sys.exit(run_main(NAME, parser(), run, print_table, PACKAGES, check=check))
