"""What one auxiliary can do: the cubic monomials of min(0, L(x)), L affine.

A quadratic gadget with one binary auxiliary w contributes min_w w · L(x) = min(0, L(x))
(w² = w, so the w-terms are w times an affine L) plus quadratic terms in x. For every
integer L = c + Σ_i a_i x_i with coefficients in −W..W over n variables, this script
expands min(0, L) into monomials (Möbius transform on the 2^n truth table), keeps the
functions without monomials of degree ≥ 4, and checks whether any of them holds two cubic
monomials that share fewer than two variables — which one pair product could not serve.
(benchmarks/README.md, reductions: why 80 % of dimod's auxiliaries is out of reach.)

How to run (from the repository root; a few seconds)
    python benchmarks/single_auxiliary.py [--variables 5] [--weight 3]

Prints the counts; exit status 0 when no such pair was found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import itertools
import sys

import numpy as np


def monomial_coefficients(values: np.ndarray, n: int) -> np.ndarray:
    """Möbius transform of truth tables (rows; column s = assignment with bits of s,
    bit n−1−i for variable i): the coefficient of each monomial, indexed like columns."""
    out = values.astype(np.float64)
    for i in range(n):
        step = 1 << (n - 1 - i)
        upper = np.array([s for s in range(1 << n) if s & step])
        out[:, upper] -= out[:, upper ^ step]
    return out


def pairs_not_sharing_a_pair(n: int, weight: int) -> tuple[int, int, list]:
    """(functions with ≥ 2 cubic monomials and none of degree ≥ 4, how many of them hold
    two cubic monomials sharing < 2 variables, up to 3 examples)."""
    x = np.array(list(itertools.product((0, 1), repeat=n)))
    degree = x.sum(axis=1)
    forms = np.array(list(itertools.product(range(-weight, weight + 1), repeat=n + 1)))
    coefficients = monomial_coefficients(np.minimum(0, forms[:, :1] + forms[:, 1:] @ x.T), n)
    low = np.all(np.abs(coefficients[:, degree >= 4]) < 1e-9, axis=1)
    cubic_columns = np.flatnonzero(degree == 3)
    candidates = found = 0
    examples = []
    for row in np.flatnonzero(low):
        cubics = [
            set(np.flatnonzero(x[c]).tolist())
            for c in cubic_columns
            if abs(coefficients[row, c]) > 1e-9
        ]
        if len(cubics) < 2:
            continue
        candidates += 1
        if any(len(a & b) < 2 for a, b in itertools.combinations(cubics, 2)):
            found += 1
            if len(examples) < 3:
                examples.append((forms[row].tolist(), cubics))
    return candidates, found, examples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variables", type=int, default=5, help="n (default 5; 6 is slower)")
    parser.add_argument("--weight", type=int, default=3, help="coefficients in −W..W (default 3)")
    args = parser.parse_args(argv)
    if not 3 <= args.variables <= 7 or not 1 <= args.weight <= 4:
        parser.error("use 3 <= --variables <= 7 and 1 <= --weight <= 4")
    candidates, found, examples = pairs_not_sharing_a_pair(args.variables, args.weight)
    print(
        f"n = {args.variables}, weights −{args.weight}..{args.weight}: {candidates} functions "
        f"min(0, L) with ≥ 2 cubic monomials and none of degree ≥ 4; {found} of them hold "
        "two cubic monomials sharing fewer than two variables"
    )
    for form, cubics in examples:
        print(f"  L = {form}: cubic monomials {cubics}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
