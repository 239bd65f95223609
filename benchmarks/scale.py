"""Benchmark: wall time and peak memory of one PIMC read on the perceptron's native energy
as the number of inputs N grows.

What is measured
    For each N in ``--sizes`` (default 101, 201, 401, 1001, 2001, 4001): a random storage
    problem with P = round(α N) ±1 patterns and labels (α = 0.5, ``random_patterns(N, P,
    seed)``), loss "perclinear", sampled by ``PIMCSampler().sample_model(model,
    num_reads=1, num_sweeps=S, trotter=M, beta=β, gamma_schedule=(Γ0, Γ1))`` with the
    perceptron rule's moves (a local sweep and a cluster sweep per step; no final
    classical sweeps), S = 20 sweeps and M = 8 slices, the same for every N. One read
    runs on one thread (qanneal parallelises over reads).
    One sweep evaluates the loss change of every pattern for every slice-spin:
    M·N·P = α·M·N² pattern updates per move type (the global and the cluster sweep also
    evaluate every slice-spin once), so the time should grow as N². The table's rate counts
    2·S·M·N·P pattern updates per read.

    Each N runs in a fresh child process (``--child``) so that memory figures do not carry
    over between sizes. The child imports qanneal, builds the model, compiles the kernels
    on a tiny instance (compile time excluded), then times ``--repeats`` calls
    (``time.perf_counter``) and reports the best, with qanneal's own split
    (``info["timing"]``: preprocessing, sampling, postprocessing; packing the model's
    columns happens before that timer and is the rest of the wall time).

    Peak memory, two ways, both for the first timed call only:

    * ``ru_maxrss`` delta: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` after the call
      minus before it (kB on Linux). It covers everything the process touches, numba's
      own allocations included, but it is a high-water mark: it only moves when the call
      goes above the process's earlier peak (model construction, compilation), so it is a
      lower bound on what the call needed on top of what was already resident.
    * ``tracemalloc`` peak during the call: allocations made through Python's allocator,
      which numpy reports for its array buffers (packing, initial states, the run's state
      arrays — spins and per-slice stability caches, M·N bytes + M·P·8 bytes per read,
      also reported as ``kernel_arrays_bytes`` — and the sample set). Scratch rows numba
      allocates inside the kernel are not traced.

    The exponent of time vs N is a least-squares fit of log(time) on log(N), over all sizes
    and over N ≥ 401 (small sizes are dominated by fixed per-call costs).

How to run (from the repository root)
    python benchmarks/scale.py [--seed 0] [--alpha 0.5] [--sweeps 20] [--trotter 8]
        [--repeats 3] [--sizes 101 201 401 1001 2001 4001] [--quick] [--json]

``--quick`` (well under a minute) uses sizes 101, 201, 401, 801, one repeat. The full run
takes about 3–5 minutes on 2 cores. It prints a table (the JSON record with ``--json``)
and writes ``benchmarks/results/scale.json`` atomically (``scale_quick.json`` with
``--quick``). Exit status 0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from _common import git_commit, git_dirty, machine, uncommitted_src, versions, write_atomically

VERSIONS = ("qanneal", "numba", "numpy")

ROOT = Path(__file__).resolve().parent.parent
RESULT_PATH = ROOT / "benchmarks" / "results" / "scale.json"
QUICK_PATH = RESULT_PATH.with_name("scale_quick.json")
SIZES = (101, 201, 401, 1001, 2001, 4001)
QUICK_SIZES = (101, 201, 401, 801)
BETA, GAMMA = 32.0, (2.5, 0.01)
MOVES = ("local", "cluster")  # the perceptron rule's moves (no final sweeps here)
FIT_FROM = 401


# ---------------------------------------------------------------------------
# the child: one size, fresh process


def child(args: argparse.Namespace) -> dict[str, Any]:
    """Build, warm up, then time one read of size ``args.child``; returns the measurements."""
    from qanneal.models import BinaryPerceptron
    from qanneal.models.datasets import random_patterns
    from qanneal.samplers import PIMCSampler

    n = args.child
    p = round(args.alpha * n)
    data = random_patterns(n, p, seed=args.seed)
    model = BinaryPerceptron(n, data.x_train, data.y_train, loss="perclinear")
    tiny_data = random_patterns(11, 5, seed=0)
    tiny = BinaryPerceptron(11, tiny_data.x_train, tiny_data.y_train, loss="perclinear")
    sampler = PIMCSampler()
    options = {
        "moves": MOVES,
        "final_classical_sweeps": 0,
        "num_reads": 1,
        "num_sweeps": args.sweeps,
        "trotter": args.trotter,
        "beta": BETA,
        "gamma_schedule": GAMMA,
    }
    sampler.sample_model(tiny, seed=0, **options)  # compile (or load the numba cache)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    sampleset = sampler.sample_model(model, seed=args.seed, **options)
    first_wall = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    calls = [(first_wall, sampleset.info["timing"])]
    for r in range(1, args.repeats):
        start = time.perf_counter()
        again = sampler.sample_model(model, seed=args.seed + r, **options)
        calls.append((time.perf_counter() - start, again.info["timing"]))
    wall, timing = min(calls, key=lambda call: call[0])
    return {
        "inputs": n,
        "patterns": p,
        "wall_s": wall,
        "first_wall_s": first_wall,
        "walls_s": [call[0] for call in calls],
        "preprocessing_s": timing["preprocessing_ns"] * 1e-9,
        "sampling_s": timing["sampling_ns"] * 1e-9,
        "postprocessing_s": timing["postprocessing_ns"] * 1e-9,
        "packing_and_rest_s": wall - timing["total_ns"] * 1e-9,
        "pattern_updates_per_s": 2
        * args.sweeps
        * args.trotter
        * n
        * p
        / (timing["sampling_ns"] * 1e-9),
        "maxrss_before_kb": rss_before,
        "maxrss_after_kb": rss_after,
        "maxrss_delta_kb": rss_after - rss_before,
        "tracemalloc_peak_bytes": traced_peak,
        "kernel_arrays_bytes": args.trotter * n + args.trotter * p * 8,
        "columns_bytes": n * p * 8,
        "energy": float(sampleset.first.energy),
        "moves": sampleset.info["protocol"]["moves"],
    }


def run_child(n: int, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(n),
        "--seed",
        str(args.seed),
        "--alpha",
        str(args.alpha),
        "--sweeps",
        str(args.sweeps),
        "--trotter",
        str(args.trotter),
        "--repeats",
        str(args.repeats),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------
# fits, provenance, output


def fit_exponent(sizes: list[int], values: list[float]) -> float | None:
    """Slope of log(value) against log(size) by least squares (None with < 2 points)."""
    if len(sizes) < 2:
        return None
    slope, _ = np.polyfit(np.log(sizes), np.log(values), 1)
    return float(slope)


def print_table(record: dict[str, Any]) -> None:
    s = record["settings"]
    print(
        f"one read, native perclinear, alpha={s['alpha']}, {s['sweeps']} sweeps x "
        f"{s['trotter']} slices, moves {'+'.join(s['moves'])} (the perceptron rule's), best of "
        f"{s['repeats']}"
    )
    print(
        f"{'N':>5} {'P':>5} {'wall s':>8} {'sampling s':>10} {'pattern upd/s':>13} "
        f"{'maxrss +MB':>10} {'tracemalloc MB':>14} {'columns MB':>10}"
    )
    for row in record["sizes"]:
        print(
            f"{row['inputs']:>5} {row['patterns']:>5} {row['wall_s']:>8.3f} "
            f"{row['sampling_s']:>10.3f} {row['pattern_updates_per_s'] / 1e6:>12.0f}M "
            f"{row['maxrss_delta_kb'] / 1024:>10.1f} "
            f"{row['tracemalloc_peak_bytes'] / 2**20:>14.1f} "
            f"{row['columns_bytes'] / 2**20:>10.1f}"
        )
    fits = {k: "n/a" if v is None else f"{v:.2f}" for k, v in record["fits"].items()}
    print(
        f"time exponent (log-log least squares): all sizes {fits['wall_all']}, "
        f"N >= {FIT_FROM} {fits['wall_large']} (sampling only {fits['sampling_large']}); "
        f"tracemalloc peak exponent N >= {FIT_FROM} {fits['tracemalloc_large']}"
    )
    print(f"wrote {record['result_path']}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="data and sampler seed")
    parser.add_argument("--alpha", type=float, default=0.5, help="P / N (default 0.5)")
    parser.add_argument("--sweeps", type=int, default=20, help="sweeps (default 20)")
    parser.add_argument("--trotter", type=int, default=8, help="Trotter slices (default 8)")
    parser.add_argument("--repeats", type=int, default=3, help="timed calls per size")
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="values of N")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--json", action="store_true", help="print the JSON record")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sizes is None:
        args.sizes = list(QUICK_SIZES if args.quick else SIZES)
    if args.quick:
        args.repeats = 1
    if min(args.sweeps, args.trotter, args.repeats, *args.sizes) < 1 or args.alpha <= 0:
        parser.error("sizes, sweeps, trotter and repeats must be >= 1 and alpha > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args)))
        return 0
    host = machine()
    rows = []
    for n in args.sizes:
        print(f"N={n} ...", file=sys.stderr, flush=True)
        rows.append(run_child(n, args))
    sizes = [row["inputs"] for row in rows]
    large = [i for i, n in enumerate(sizes) if n >= FIT_FROM]

    def fit(key: str, idx: list[int]) -> float | None:
        return fit_exponent([sizes[i] for i in idx], [rows[i][key] for i in idx])

    everything = list(range(len(rows)))
    path = QUICK_PATH if args.quick else RESULT_PATH
    record = {
        "benchmark": "scale",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "dirty": git_dirty(),
        "uncommitted_src": uncommitted_src(),
        "machine": host,
        "versions": versions(*VERSIONS),
        "settings": {
            "alpha": args.alpha,
            "sweeps": args.sweeps,
            "trotter": args.trotter,
            "repeats": args.repeats,
            "seed": args.seed,
            "beta": BETA,
            "gamma_schedule": list(GAMMA),
            "moves": rows[0]["moves"],
            "num_reads": 1,
        },
        "memory_note": (
            "maxrss_delta_kb: ru_maxrss after minus before the first timed call (a high-water "
            "mark, so a lower bound); tracemalloc_peak_bytes: numpy/Python allocations during "
            "that call, the run's spins and caches included; kernel_arrays_bytes: their size"
        ),
        "sizes": rows,
        "fits": {
            "wall_all": fit("wall_s", everything),
            "wall_large": fit("wall_s", large),
            "sampling_large": fit("sampling_s", large),
            "tracemalloc_large": fit("tracemalloc_peak_bytes", large),
        },
        "load_average_1min_end": os.getloadavg()[0],
        "result_path": str(path.relative_to(ROOT)),
    }
    write_atomically(path, record)
    if args.json:
        print(json.dumps(record, indent=2))
    else:
        print_table(record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
