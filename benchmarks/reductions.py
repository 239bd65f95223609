"""Benchmark: HUBO → QUBO reductions, qanneal against dimod, PyQUBO and qubovert.

Instances (``--seed`` seeds part (a))
    (a) random binary polynomials over 30 variables with 200 distinct monomials,
        biases ±U(0.1, 1) (mixed signs): every monomial of degree 3 ("cubic"), of
        degree 4 ("quartic"), or of a degree drawn uniformly from 2..4 ("degree 2-4");
    (b) the ``hidden`` polynomial of a 16-input, 3-hidden BiNN (with biases) on 20
        digits samples (0 vs 1, pooled to 16 ±1 features; 443 spins, degree 4);
    (c) one degree-6 monomial ±x_0…x_5 (BINARY) and ±s_0…s_5 (SPIN).

Tools
    qanneal ``to_bqm`` with ``auto``, ``rosenberg``, ``freedman`` and ``ishikawa``;
    ``dimod.make_quadratic(poly, strength, vartype)``; PyQUBO (the polynomial as an
    expression of ``Binary``/``Spin``, ``compile(strength)``, ``to_bqm()``); qubovert
    (``PUBO(terms).to_qubo()``, ``PUSO`` for spin polynomials, default ``lam``).
    Strengths: dimod gets qanneal's certified default (Σ |c| over degree ≥ 3 terms,
    twice that for SPIN); PyQUBO reduces the binary form of the polynomial, so it gets
    that sum over the binary form's degree ≥ 3 terms; qubovert keeps its default
    (1 + |c| per use of a product).

Metrics
    auxiliary variables (BQM variables minus the polynomial's), couplings, the largest
    |bias| ratio (max |bias| / min nonzero |bias| over linear and quadratic biases: what
    an annealer's precision must resolve), build time (``time.perf_counter``, from the
    BinaryPolynomial to the tool's QUBO: one warm-up each, then ``--repeats`` rounds that
    run every tool once in turn, best per tool, so load changes hit all tools alike;
    ``auto`` and dimod then get up to 500 more such rounds, about 0.5 s), and
    exactness: ``qanneal.reduce.verify`` (min over auxiliaries equals the polynomial on
    every assignment for ≤ 20 variables, on 2000 random ones beyond; auxiliary blocks of
    ≤ 16 enumerated exactly, larger ones from their intended values by descent).
    PyQUBO's and qubovert's product auxiliaries are identified from their labels and
    from a second build with doubled penalties, outside the timing.

Targets: ``auto`` uses at most 80 % of dimod's auxiliaries on (a) and (b); every
qanneal method exact everywhere; ``auto`` builds at least as fast as
``dimod.make_quadratic``.

How to run (from the repository root)
    pip install '.[bench]'
    python benchmarks/reductions.py [--seed 0] [--repeats 10] [--json]

It prints a table (the JSON record with ``--json``) and writes
``benchmarks/results/reductions.json`` atomically. Exit status 0 when every qanneal
reduction is exact, 1 otherwise, 2 if PyQUBO or qubovert is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dimod
import numpy as np
from _common import bias_ratio, git_commit, git_dirty, machine, versions, write_atomically

from qanneal.reduce import Auxiliary, ReductionInfo, to_bqm, verify

try:
    import pyqubo
    import qubovert
except ImportError:  # reported by main() with an install hint
    pyqubo = qubovert = None

ROOT = Path(__file__).resolve().parent.parent
RESULT_PATH = ROOT / "benchmarks" / "results" / "reductions.json"
QANNEAL_METHODS = ("auto", "rosenberg", "freedman", "ishikawa")
TOOLS = (*(f"qanneal-{m}" for m in QANNEAL_METHODS), "dimod", "pyqubo", "qubovert")
TARGET_AUXILIARY_RATIO = 0.8
VARIABLES, TERMS, SAMPLES = 30, 200, 2000
PAIRED_SECONDS, PAIRED_ROUNDS_MAX = 0.5, 500  # extra auto-vs-dimod timing per instance


@dataclass
class Instance:
    part: str
    name: str
    poly: dimod.BinaryPolynomial


@dataclass
class Build:
    bqm: dimod.BinaryQuadraticModel
    info: ReductionInfo
    seconds: float
    poly: dimod.BinaryPolynomial  # the polynomial over the BQM's labels


# ---------------------------------------------------------------------------
# instances


def random_polynomial(degrees: tuple[int, ...], seed: int) -> dimod.BinaryPolynomial:
    """TERMS distinct monomials over VARIABLES binary variables, degrees from ``degrees``."""
    rng = np.random.default_rng(seed)
    terms: dict[tuple[int, ...], float] = {}
    while len(terms) < TERMS:
        degree = int(rng.choice(degrees))
        term = tuple(sorted(rng.choice(VARIABLES, degree, replace=False).tolist()))
        if term not in terms:
            terms[term] = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.1, 1.0))
    return dimod.BinaryPolynomial(terms, dimod.BINARY)


def instances(seed: int) -> list[Instance]:
    out = [
        Instance("a", "cubic", random_polynomial((3,), seed)),
        Instance("a", "quartic", random_polynomial((4,), seed)),
        Instance("a", "degree 2-4", random_polynomial((2, 3, 4), seed)),
    ]
    out += part_b_instances(seed)
    for vartype in ("BINARY", "SPIN"):
        for sign in (1.0, -1.0):
            poly = dimod.BinaryPolynomial({tuple(range(6)): sign}, vartype)
            out.append(Instance("c", f"{'+' if sign > 0 else '-'}monomial-6 {vartype}", poly))
    return out


def part_b_instances(seed: int) -> list[Instance]:
    """Part (b): the ``hidden`` polynomial of a 16-input, 3-hidden BiNN (with biases) on 20
    samples of the digits data (0 vs 1, pooled to 16 ±1 features)."""
    from qanneal.hubo.hidden import hidden_polynomial
    from qanneal.models import BinaryNeuralNetwork
    from qanneal.models.datasets import digits

    data = digits(seed=seed, test_fraction=0.0)
    x, y = data.x_train[:20], data.y_train[:20]
    model = BinaryNeuralNetwork(16, x, y, hidden=[3], bias=True)
    return [Instance("b", "hidden BiNN 16-3-1, 20 digits", hidden_polynomial(model).polynomial)]


# ---------------------------------------------------------------------------
# the tools


def interleaved_best_times(calls: dict[str, Callable[[], Any]], repeats: int) -> dict:
    """Best wall-clock time of each call: one untimed warm-up each, then ``repeats``
    rounds that run every call once in turn, so that a change of machine load during
    the run hits every tool alike. Returns {name: (best seconds, last result)}."""
    results = {name: call() for name, call in calls.items()}
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.perf_counter()
            results[name] = call()
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: (best[name], results[name]) for name in calls}


def binary_mass(poly: dimod.BinaryPolynomial) -> float:
    """Σ |c| over the degree ≥ 3 terms of the polynomial's binary form."""
    binary = poly if poly.vartype is dimod.BINARY else poly.to_binary()
    return float(sum(abs(bias) for term, bias in binary.items() if len(term) > 2))


Finish = Callable[[Any, float], Build]


def prepare_qanneal(poly: dimod.BinaryPolynomial, method: str) -> tuple[Callable, Finish]:
    def finish(result: Any, seconds: float) -> Build:
        bqm, info = result
        return Build(bqm, info, seconds, poly)

    return (lambda: to_bqm(poly, method)), finish


def prepare_dimod(poly: dimod.BinaryPolynomial) -> tuple[Callable, Finish]:
    """Timed: make_quadratic itself; counted and verified: the same call via to_bqm."""
    bqm, info = to_bqm(poly, "dimod")
    strength = info.strength

    def finish(result: Any, seconds: float) -> Build:
        del result
        return Build(bqm, info, seconds, poly)

    return (lambda: dimod.make_quadratic(poly, strength, poly.vartype)), finish


def named(poly: dimod.BinaryPolynomial) -> tuple[dict[Hashable, str], dimod.BinaryPolynomial]:
    """String labels v<label> (PyQUBO wants strings) and the polynomial over them."""
    names = {v: f"v{v}" for v in poly.variables}
    terms = {tuple(names[v] for v in term): bias for term, bias in poly.items()}
    return names, dimod.BinaryPolynomial(terms, poly.vartype)


def pyqubo_bqm(poly: dimod.BinaryPolynomial, strength: float) -> dimod.BinaryQuadraticModel:
    kind = pyqubo.Binary if poly.vartype is dimod.BINARY else pyqubo.Spin
    symbols = {v: kind(v) for v in poly.variables}
    expression = 0.0
    for term, bias in poly.items():
        product = bias
        for v in term:
            product = product * symbols[v]
        expression = expression + product
    return expression.compile(strength=strength).to_bqm()


def prepare_pyqubo(poly: dimod.BinaryPolynomial) -> tuple[Callable, Finish]:
    _, labelled = named(poly)
    strength = max(binary_mass(poly), 1e-300)

    def finish(bqm: Any, seconds: float) -> Build:
        originals = set(labelled.variables)
        auxiliaries = tuple(
            _pyqubo_product(label, bqm.variables, strength)
            for label in bqm.variables
            if label not in originals
        )
        info = peer_info("pyqubo", labelled, bqm, auxiliaries, strength)
        return Build(bqm, info, seconds, labelled)

    return (lambda: pyqubo_bqm(labelled, strength)), finish


def _pyqubo_product(label: str, variables: Any, strength: float) -> Auxiliary:
    """PyQUBO names a product "a * b" (either side may itself be a product)."""
    tokens = label.split(" * ")
    for cut in range(1, len(tokens)):
        left, right = " * ".join(tokens[:cut]), " * ".join(tokens[cut:])
        if left in variables and right in variables:
            return Auxiliary(label, "product", label, (left, right), penalty=strength)
    return Auxiliary(label, "unknown", label)


def qubovert_qubo(poly: dimod.BinaryPolynomial, lam: Callable | None = None) -> Any:
    model_type = qubovert.PUBO if poly.vartype is dimod.BINARY else qubovert.PUSO
    model = model_type({tuple(term): bias for term, bias in poly.items()})
    return model, model.to_qubo(lam=lam)


def prepare_qubovert(poly: dimod.BinaryPolynomial) -> tuple[Callable, Finish]:
    return (lambda: qubovert_qubo(poly)), lambda result, seconds: qubovert_build(
        poly, result, seconds
    )


def qubovert_build(poly: dimod.BinaryPolynomial, result: Any, seconds: float) -> Build:
    """The QUBO as a dimod BQM over the polynomial's labels, with its ancillas' factors."""
    model, qubo = result
    _, doubled = qubovert_qubo(poly, lam=lambda v: 2 * (1 + abs(v)))
    names: dict[int, Hashable] = {i: label for label, i in model.mapping.items()}
    first = model.num_binary_variables
    names.update((i, f"anc{i}") for i in range(first, qubo.num_binary_variables))
    linear: dict[Hashable, float] = dict.fromkeys(poly.variables, 0.0)
    quadratic: dict[tuple[Hashable, Hashable], float] = {}
    offset = 0.0
    for key, bias in qubo.items():
        if len(key) == 2:
            quadratic[names[key[0]], names[key[1]]] = bias
        elif len(key) == 1:
            linear[names[key[0]]] = linear.get(names[key[0]], 0.0) + bias
        else:
            offset += bias
    bqm = dimod.BinaryQuadraticModel(linear, quadratic, offset, dimod.BINARY)
    if poly.vartype is dimod.SPIN:
        # qubovert encodes s = 1 − 2x where verify reads x = (1 + s)/2: check the BQM
        # against P(−s) instead, which has the same minima over auxiliaries.
        poly = dimod.BinaryPolynomial({t: b * (-1) ** len(t) for t, b in poly.items()}, dimod.SPIN)
    auxiliaries = _qubovert_products(qubo, doubled, names, first)
    info = peer_info("qubovert", poly, bqm, auxiliaries, None)
    return Build(bqm, info, seconds, poly)


def _qubovert_products(qubo: Any, doubled: Any, names: dict, first: int) -> tuple:
    """Factors of every ancilla, read off the penalty part (doubled − default QUBO).

    qubovert enforces z = x·y with Λ_z (3z + xy − 2xz − 2yz): Λ_z is a third of z's
    linear difference. From the last ancilla down, z's factors are the lower variables u
    with coupling difference −2Λ_z once the +Λ_w of the ancillas w above with factor pair
    {u, z} is taken out.
    """
    diff = {k: doubled.get(k, 0.0) - qubo.get(k, 0.0) for k in set(qubo) | set(doubled)}
    out: list[Auxiliary] = []
    for z in range(max(names), first - 1, -1):
        strength = diff.get((z,), 0.0) / 3
        lower = [u for u in range(z) if abs(diff.get((u, z), 0.0) + 2 * strength) < 1e-9]
        if len(lower) != 2 or strength <= 0:
            out.append(Auxiliary(names[z], "unknown", "qubovert ancilla"))
            continue
        a, b = lower
        diff[a, b] = diff.get((a, b), 0.0) - strength
        factors = (names[a], names[b])
        out.append(Auxiliary(names[z], "product", f"{factors[0]} * {factors[1]}", factors))
    return tuple(reversed(out))


def peer_info(method, poly, bqm, auxiliaries, strength) -> ReductionInfo:
    """A ReductionInfo for another tool's BQM, so that ``verify`` can check it."""
    return ReductionInfo(
        method=method,
        variables=tuple(poly.variables),
        vartype=poly.vartype,
        reduced_as="BINARY",
        auxiliaries=auxiliaries,
        num_couplings=bqm.num_interactions,
        strength=strength,
        polynomial=poly,
    )


# ---------------------------------------------------------------------------
# measuring one polynomial


def prepare(tool: str, poly: dimod.BinaryPolynomial) -> tuple[Callable, Finish]:
    if tool.startswith("qanneal-"):
        return prepare_qanneal(poly, tool.removeprefix("qanneal-"))
    if tool == "dimod":
        return prepare_dimod(poly)
    if tool == "pyqubo":
        return prepare_pyqubo(poly)
    return prepare_qubovert(poly)


def measure(build: Build, num_original: int, seed: int) -> dict[str, Any]:
    """Counts, bias ratio and exactness of one tool's BQM."""
    report = verify(build.poly, build.bqm, build.info, samples=SAMPLES, seed=seed)
    penalties = [p for p in build.info.penalties.values() if p is not None]
    return {
        "tool": build.info.method,
        "auxiliaries": build.bqm.num_variables - num_original,
        "couplings": build.bqm.num_interactions,
        "bias_ratio": bias_ratio(build.bqm),
        "max_penalty": max(penalties, default=None),
        "build_seconds": build.seconds,
        "exact": report.exact,
        "max_deviation": report.max_deviation,
        "exhaustive": report.exhaustive,
        "assignments": report.assignments,
        "auxiliaries_enumerated": report.auxiliaries_enumerated,
        "largest_block": report.largest_block,
        "reduced_as": build.info.reduced_as,
    }


def benchmark_polynomial(
    name: str,
    poly: dimod.BinaryPolynomial,
    *,
    part: str = "b",
    repeats: int = 10,
    seed: int = 0,
) -> dict[str, Any]:
    """Every tool on one polynomial: the hook for new instances (e.g. part (b))."""
    prepared = {tool: prepare(tool, poly) for tool in TOOLS}
    timings = interleaved_best_times({t: call for t, (call, _) in prepared.items()}, repeats)
    # the build-time target compares auto with dimod: give that pair more rounds
    paired = ("qanneal-auto", "dimod")
    per_round = sum(timings[t][0] for t in paired)
    rounds = int(min(PAIRED_ROUNDS_MAX, max(repeats, PAIRED_SECONDS / max(per_round, 1e-9))))
    more = interleaved_best_times({t: prepared[t][0] for t in paired}, rounds)
    for tool in paired:
        timings[tool] = (min(timings[tool][0], more[tool][0]), timings[tool][1])
    rows = []
    for tool, (_, finish) in prepared.items():
        seconds, result = timings[tool]
        row = measure(finish(result, seconds), len(poly.variables), seed)
        rows.append({**row, "tool": tool})
    degrees = [len(term) for term in poly]
    return {
        "part": part,
        "name": name,
        "vartype": poly.vartype.name,
        "variables": len(poly.variables),
        "terms": len(poly),
        "degree": max(degrees, default=0),
        "rows": rows,
    }


# ---------------------------------------------------------------------------
# targets, provenance and output


def targets(results: list[dict[str, Any]]) -> dict[str, Any]:
    by = [{row["tool"]: row for row in result["rows"]} for result in results]
    ratios = {
        r["name"]: rows["qanneal-auto"]["auxiliaries"] / max(1, rows["dimod"]["auxiliaries"])
        for r, rows in zip(results, by, strict=True)
        if r["part"] in ("a", "b")
    }
    speed = {
        r["name"]: rows["qanneal-auto"]["build_seconds"] / rows["dimod"]["build_seconds"]
        for r, rows in zip(results, by, strict=True)
    }
    inexact = [
        f"{r['name']}: {tool}"
        for r, rows in zip(results, by, strict=True)
        for tool, row in rows.items()
        if tool.startswith("qanneal-") and not row["exact"]
    ]
    return {
        "auxiliary_ratio": ratios,
        "auxiliary_ratio_met": all(v <= TARGET_AUXILIARY_RATIO for v in ratios.values()),
        "qanneal_inexact": inexact,
        "exact_met": not inexact,
        "build_time_ratio": speed,
        "build_time_met": all(v <= 1.0 for v in speed.values()),
    }


def provenance() -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "dirty": git_dirty(),
        "machine": machine(),
        "versions": versions("qanneal", "dimod", "pyqubo", "qubovert", "numpy"),
    }


def print_table(record: dict[str, Any]) -> None:
    header = ("instance", "tool", "aux", "couplings", "bias ratio", "build ms", "exact")
    lines = [header]
    for result in record["results"]:
        label = f"({result['part']}) {result['name']}"
        for row in result["rows"]:
            exact = "yes" if row["exact"] else f"NO ({row['max_deviation']:.3g})"
            if row["exact"] and not row["auxiliaries_enumerated"]:
                exact += "*"
            lines.append(
                (
                    label,
                    row["tool"],
                    str(row["auxiliaries"]),
                    str(row["couplings"]),
                    f"{row['bias_ratio']:.4g}",
                    f"{row['build_seconds'] * 1e3:.2f}",
                    exact,
                )
            )
            label = ""
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    goals = record["targets"]
    print("* exact on every checked assignment; some auxiliary blocks > 16 minimised by descent")
    ratios = ", ".join(f"{k} {v:.2f}" for k, v in goals["auxiliary_ratio"].items())
    speed = ", ".join(f"{k} {v:.2f}" for k, v in goals["build_time_ratio"].items())
    yes = {True: "met", False: "MISSED"}
    met = yes[goals["auxiliary_ratio_met"]]
    print(f"auto/dimod auxiliaries on (a), (b) <= {TARGET_AUXILIARY_RATIO}: {met} ({ratios})")
    print(f"every qanneal method exact: {yes[goals['exact_met']]}")
    print(f"auto/dimod build time <= 1: {yes[goals['build_time_met']]} ({speed})")
    print(f"wrote {record['result_path']}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of part (a) (default 0)")
    parser.add_argument("--repeats", type=int, default=10, help="timed rounds (default 10)")
    parser.add_argument("--json", action="store_true", help="print the JSON record")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    record = provenance()  # first, so the load average is the background load
    results = [
        benchmark_polynomial(
            inst.name, inst.poly, part=inst.part, repeats=args.repeats, seed=args.seed
        )
        for inst in instances(args.seed)
    ]
    return {
        "benchmark": "reductions",
        **record,
        "seed": args.seed,
        "repeats": args.repeats,
        "samples": SAMPLES,
        "results": results,
        "targets": targets(results),
        "result_path": str(RESULT_PATH.relative_to(ROOT)),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if pyqubo is None or qubovert is None:
        print("pyqubo and qubovert are needed; run: pip install '.[bench]'", file=sys.stderr)
        return 2
    record = run(args)
    write_atomically(RESULT_PATH, record)
    if args.json:
        print(json.dumps(record, indent=2))
    else:
        print_table(record)
    return 0 if record["targets"]["exact_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
