"""The fewest auxiliaries of pair products plus per-term gadgets, by integer programming.

For the part (a) polynomials of ``reductions.py`` (200 random monomials over 30 binary
variables, degree 3, 4 or 2..4) this solves, with scipy's HiGHS MILP solver:

    min  Σ_e p_e + Σ_T (1 − c_T)

over p_e ∈ {0, 1} (pair e of variables becomes a product; e ranges over the pairs inside
some monomial) and c_T ∈ {0, 1} (monomial T needs no gadget): a cubic T is covered when
one of its three pairs is a product (c_T ≤ Σ_{e ⊂ T} p_e); a quartic T when both pairs
of one of its three perfect matchings are (z_{T,m} ≤ p_e for e ∈ m, c_T ≤ Σ_m z_{T,m});
an uncovered monomial of degree 3 or 4 costs one auxiliary (Freedman or Ishikawa), a
quartic with a single product too. Products of products are not modelled (they serve
the monomials that share three variables, which random monomials rarely do). This is
the family ``qanneal.reduce`` ``auto`` searches; its optimum bounds what auto can reach,
and is compared with auto's and dimod's counts.

How to run (from the repository root)
    pip install '.[bench]'
    python benchmarks/pair_cover_ilp.py [--seed 0] [--time-limit 60]

Prints a table (instance, dimod, auto, ILP best, ILP bound, status). Exit status 0.
"""

from __future__ import annotations

import argparse
import itertools
import sys

import dimod
import numpy as np
from reductions import instances
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from qanneal.reduce import to_bqm


def matchings(term: tuple[int, ...]) -> list[list[tuple[int, int]]]:
    """Sets of disjoint pairs that leave a degree-d monomial quadratic (d = 3 or 4)."""
    if len(term) == 3:
        return [[pair] for pair in itertools.combinations(term, 2)]
    a, b, c, d = term
    return [[(a, b), (c, d)], [(a, c), (b, d)], [(a, d), (b, c)]]


def solve(poly: dimod.BinaryPolynomial, time_limit: float) -> tuple[float, float, str]:
    """(best objective, dual bound, solver status) of the pair-cover program."""
    terms = [tuple(sorted(t)) for t in poly if len(t) >= 3]
    if any(len(t) > 4 for t in terms):
        raise ValueError("the program models degrees 3 and 4 only")
    pairs = sorted({p for t in terms for p in itertools.combinations(t, 2)})
    column = {p: i for i, p in enumerate(pairs)}
    cost = [1.0] * len(pairs)  # p_e
    rows: list[dict[int, float]] = []  # each row: Σ coefficient · variable ≤ 0
    constant = 0.0
    for term in terms:
        cover = len(cost)
        cost.append(-1.0)  # −c_T (the constant +1 is added below)
        constant += 1.0
        options = matchings(term)
        if len(options[0]) == 1:  # cubic: c_T ≤ Σ p_e
            rows.append({cover: 1.0, **{column[m[0]]: -1.0 for m in options}})
            continue
        links = []
        for option in options:
            z = len(cost)
            cost.append(0.0)
            links.append(z)
            for pair in option:
                rows.append({z: 1.0, column[pair]: -1.0})
        rows.append({cover: 1.0, **{z: -1.0 for z in links}})
    r, c, v = zip(
        *((i, j, value) for i, row in enumerate(rows) for j, value in row.items()), strict=True
    )
    matrix = coo_array((v, (r, c)), shape=(len(rows), len(cost))).tocsr()
    result = milp(
        np.array(cost),
        constraints=LinearConstraint(matrix, -np.inf, 0.0),
        integrality=np.ones(len(cost)),
        bounds=Bounds(0.0, 1.0),
        options={"time_limit": time_limit},
    )
    best = result.fun + constant if result.x is not None else float("nan")
    bound = getattr(result, "mip_dual_bound", float("nan"))
    return best, bound + constant, result.message


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of part (a) (default 0)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    args = parser.parse_args(argv)
    print("instance     dimod  auto  ILP best  ILP bound  status")
    for instance in instances(args.seed):
        if instance.part != "a":
            continue
        poly = instance.poly
        dimod_aux = len(dimod.make_quadratic(poly, 1.0, poly.vartype)) - len(poly.variables)
        auto_aux = to_bqm(poly)[1].num_auxiliary
        best, bound, status = solve(poly, args.time_limit)
        bound = np.ceil(bound - 1e-6)  # objective values are whole numbers
        counts = f"{dimod_aux:5d} {auto_aux:5d} {best:9.0f} {bound:10.0f}"
        print(f"{instance.name:12s} {counts}  {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
