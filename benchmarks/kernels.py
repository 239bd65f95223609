"""Benchmark: the PIMC/SA kernels of this tree against those of an earlier commit, in one
process (speed), and the first-call compile time of each (fresh processes).

What is measured
    The kernel files of ``--baseline`` (default 0b4777d: the flat-argument driver with
    slots ``code, f1, f2, i1..i4``) are exported with ``git show`` into a temporary
    package and imported beside this tree's kernels. Each case packs the same problem for
    both, starts from the same spins with the same read seeds, and runs the same sweeps;
    the two are timed alternately (``--repeats`` rounds, best of each) and must return
    identical spins (the random streams and the order of proposals are the same). Cases:

    * ``perceptron``: native perclinear N = 1001, P = 601, M = 32, β = 32, Γ 2.5 → 0.01,
      moves local + cluster (the Baldassi–Zecchina shape), 2 reads × 8 sweeps;
    * ``slack-dense``: the slack QUBO of N = 101, α = 0.3 (281 variables, dense rows),
      M = 16, local moves, 10 reads × 200 sweeps;
    * ``glass-sparse``: 3-D ±J 8×8×8 (CSR), M = 16, local, 10 reads × 200 sweeps;
    * ``hubo``: a random SPIN polynomial, 60 variables, 400 terms of degree 2–4, M = 8,
      local + cluster, 4 reads × 100 sweeps;
    * ``binn``: native BiNN 64-16-1, P = 200, M = 1 (SA), 2 reads × 30 sweeps.

    New kernels run as one chunk (``chunk_sweeps`` = all sweeps), so the ratio compares
    kernel with kernel; the default chunked call is timed too (``new chunked``). Both
    trees run reads on ``--threads`` threads (default 1: the baseline's ``prange`` and the
    new thread pool both follow ``numba.set_num_threads``), so that on a shared machine
    the ratio compares the kernels rather than the scheduling of two threads.

    Compile time: a child process with an empty ``NUMBA_CACHE_DIR`` imports one tree's
    kernels and times its first call on a tiny perceptron, then on a tiny dense BQM.

How to run (from the repository root)
    python benchmarks/kernels.py [--baseline 0b4777d] [--repeats 5] [--cases perceptron ...]
        [--skip-compile] [--json]

About 3 minutes (most of it compiling). Writes ``benchmarks/results/kernels.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import dimod
import numba
import numpy as np
from _common import ROOT, git, provenance, write_atomically

from qanneal.hubo.slack import build_slack_qubo
from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron
from qanneal.models.datasets import random_patterns
from qanneal.samplers.pimc import packing as new_packing
from qanneal.samplers.pimc.driver import anneal_in_chunks, make_schedule
from qanneal.samplers.schedules import trotter_coupling

RESULT_PATH = ROOT / "benchmarks" / "results" / "kernels.json"
OLD_FILES = ("_kernels.py", "_backends.py", "packing.py")
PREFIX = "qanneal.samplers.pimc."


def export_baseline(commit: str, where: Path) -> Any:
    """Import the baseline's kernel modules as the package ``baseline_kernels``."""
    package = where / "baseline_kernels"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in OLD_FILES:
        text = git("show", f"{commit}:src/qanneal/samplers/pimc/{name}")
        if text is None:
            raise SystemExit(f"cannot read {name} at {commit}")
        (package / name).write_text(text.replace(f"from {PREFIX}", "from ."))
    sys.path.insert(0, str(where))
    import baseline_kernels._kernels as kernels  # type: ignore[import-not-found]
    import baseline_kernels.packing as packing  # type: ignore[import-not-found]

    return kernels, packing


def cases() -> dict[str, dict[str, Any]]:
    data = random_patterns(1001, 601, seed=0)
    perceptron = BinaryPerceptron(1001, data.x_train, data.y_train, loss="perclinear")
    slack = random_patterns(101, 30, seed=0)
    qubo = build_slack_qubo(BinaryPerceptron(101, slack.x_train, slack.y_train)).bqm
    rng = np.random.default_rng(0)
    side = 8
    sites = np.arange(side**3).reshape(side, side, side)
    rows = np.concatenate([sites.ravel()] * 3)
    cols = np.concatenate([np.roll(sites, -1, axis=a).ravel() for a in range(3)])
    glass = dimod.BQM.from_numpy_vectors(
        np.zeros(side**3), (rows, cols, rng.choice([-1.0, 1.0], rows.size)), 0.0, "SPIN"
    )
    terms = {
        tuple(sorted(rng.choice(60, rng.integers(2, 5), replace=False).tolist())): rng.normal()
        for _ in range(400)
    }
    hubo = dimod.BinaryPolynomial(terms, "SPIN")
    x = rng.choice([-1.0, 1.0], (200, 64))
    binn = BinaryNeuralNetwork(64, x, rng.choice([-1, 1], 200), hidden=[16], loss="hinge")
    return {
        "perceptron": dict(target=perceptron, kind="model", trotter=32, reads=2, sweeps=8,
                           beta=32.0, gamma=(2.5, 0.01), moves=("local", "cluster")),
        "slack-dense": dict(target=qubo, kind="bqm", trotter=16, reads=10, sweeps=200,
                            beta=0.3, gamma=(15.0, 0.05), moves=("local",)),
        "glass-sparse": dict(target=glass, kind="bqm", trotter=16, reads=10, sweeps=200,
                             beta=8.0, gamma=(3.0, 0.01), moves=("local",)),
        "hubo": dict(target=hubo, kind="poly", trotter=8, reads=4, sweeps=100,
                     beta=2.0, gamma=(2.0, 0.05), moves=("local", "cluster")),
        "binn": dict(target=binn, kind="model", trotter=1, reads=2, sweeps=30,
                     beta=2.0, gamma=(0.0, 0.0), moves=("local",)),
    }  # fmt: skip


def pack(kind: str, target: Any, packing: Any) -> Any:
    """Pack ``target`` with a tree's packing module (its pack_model / pack_bqm / ...)."""
    name = {"model": "pack_model", "bqm": "pack_bqm", "poly": "pack_polynomial"}[kind]
    return getattr(packing, name)(target)


def run_case(case: dict[str, Any], old: tuple[Any, Any], repeats: int) -> dict[str, Any]:
    old_kernels, old_packing = old
    new = pack(case["kind"], case["target"], new_packing)
    previous = pack(case["kind"], case["target"], old_packing)
    m, reads, sweeps = case["trotter"], case["reads"], case["sweeps"]
    betas = np.full(sweeps, case["beta"])
    jperps = trotter_coupling(betas, np.linspace(*case["gamma"], sweeps), m)
    if m == 1:
        jperps[:] = 0.0
    rng = np.random.default_rng(1)
    initial = rng.choice(np.array([-1, 1], dtype=np.int8), (reads, m, len(new.labels)))
    seeds = np.arange(1, reads + 1, dtype=np.int64)
    old_moves = np.array([int(mv in case["moves"]) for mv in ("local", "global", "cluster")])
    schedule = make_schedule(betas, jperps, case["moves"])

    def run_old() -> np.ndarray:
        out = old_kernels.anneal(previous.code, *previous.arrays, betas, jperps, old_moves,
                                 np.zeros(0), initial, seeds, 0, previous.cache_width)  # fmt: skip
        return np.asarray(out[0])

    def run_new(chunked: bool = False) -> np.ndarray:
        size = None if chunked else sweeps
        return anneal_in_chunks(new, schedule, initial, seeds, chunk_sweeps=size).spins

    same = bool((run_old() == run_new()).all())  # also compiles both
    times: dict[str, list[float]] = {"old": [], "new": [], "new chunked": []}
    for _ in range(repeats):
        for name, call in (
            ("old", run_old),
            ("new", run_new),
            ("new chunked", lambda: run_new(True)),
        ):
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    best = {name: min(values) for name, values in times.items()}
    return {
        "identical_spins": same,
        "best_s": best,
        "all_s": times,
        "new_over_old": best["new"] / best["old"],
        "chunked_over_old": best["new chunked"] / best["old"],
        "setup": {k: v for k, v in case.items() if k != "target"} | {"n": len(new.labels)},
    }


CHILD = """
import sys, time
sys.path[:0] = {paths!r}
start = time.perf_counter()
import numpy as np, dimod
from qanneal.models import BinaryPerceptron
from qanneal.models.datasets import random_patterns
{imports}
imported = time.perf_counter()
d = random_patterns(21, 12, seed=0)
model = BinaryPerceptron(21, d.x_train, d.y_train, loss="perclinear")
first = time.perf_counter()
{perceptron}
second = time.perf_counter()
bqm = dimod.generators.ran_r(1, 10, seed=0)
{bqm}
done = time.perf_counter()
print(imported - start, second - first, done - second)
"""
OLD_CALLS = dict(
    imports="from baseline_kernels import _kernels as k, packing as p",
    perceptron="q = p.pack_model(model); k.anneal(q.code, *q.arrays, np.ones(3), np.ones(3), "
    "np.array([1, 0, 1]), np.ones(1), np.ones((2, 4, 21), np.int8), np.arange(2), 0, "
    "q.cache_width)",
    bqm="q = p.pack_bqm(bqm); k.anneal(q.code, *q.arrays, np.ones(3), np.ones(3), "
    "np.array([1, 0, 1]), np.ones(1), np.ones((2, 4, 10), np.int8), np.arange(2), 0, "
    "q.cache_width)",
)
NEW_CALLS = dict(
    imports="from qanneal.samplers.pimc import driver as d2, packing as p",
    perceptron="d2.anneal_in_chunks(p.pack_model(model), d2.make_schedule(np.ones(4), "
    "np.ones(3), ('local', 'cluster')), np.ones((2, 4, 21), np.int8), np.arange(2))",
    bqm="d2.anneal_in_chunks(p.pack_bqm(bqm), d2.make_schedule(np.ones(4), np.ones(3), "
    "('local', 'cluster')), np.ones((2, 4, 10), np.int8), np.arange(2))",
)


def compile_times(where: Path) -> dict[str, dict[str, float]]:
    """First-call seconds (import, perceptron, then dense BQM) with an empty numba cache."""
    found = {}
    for name, calls in (("old", OLD_CALLS), ("new", NEW_CALLS)):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "NUMBA_CACHE_DIR": cache}
            code = CHILD.format(paths=[str(where)], **calls)
            out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                 capture_output=True, text=True).stdout  # fmt: skip
        imported, perceptron, bqm = map(float, out.split())
        found[name] = {"import_s": imported, "perceptron_s": perceptron, "then_bqm_s": bqm}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="0b4777d")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cases", nargs="+", default=None, help="run only these cases")
    parser.add_argument(
        "--threads", type=int, default=1, help="numba threads of both trees (default 1)"
    )
    parser.add_argument("--skip-compile", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    numba.set_num_threads(args.threads)
    record = provenance("kernels", args)
    with tempfile.TemporaryDirectory() as tmp:
        old = export_baseline(args.baseline, Path(tmp))
        record["cases"] = {}
        for name, case in cases().items():
            if args.cases and name not in args.cases:
                continue
            print(f"[kernels] {name}", file=sys.stderr, flush=True)
            record["cases"][name] = run_case(case, old, args.repeats)
        if not args.skip_compile:
            print("[kernels] compile times (fresh processes)", file=sys.stderr, flush=True)
            record["compile"] = compile_times(Path(tmp))
    record["load_average_1min_end"] = os.getloadavg()[0]
    write_atomically(RESULT_PATH, record)
    if args.json:
        print(json.dumps(record, indent=2))
        return 0
    print(f"{'case':<14} {'same':>5} {'old s':>8} {'new s':>8} {'chunked s':>9} {'new/old':>8}")
    for name, row in record["cases"].items():
        best = row["best_s"]
        same = str(row["identical_spins"])
        print(f"{name:<14} {same:>5} {best['old']:>8.3f} {best['new']:>8.3f} "
              f"{best['new chunked']:>9.3f} {row['new_over_old']:>8.2f}")  # fmt: skip
    for name, row in record.get("compile", {}).items():
        print(f"compile {name}: first perceptron call {row['perceptron_s']:.1f} s, then a BQM "
              f"{row['then_bqm_s']:.1f} s (import {row['import_s']:.1f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
