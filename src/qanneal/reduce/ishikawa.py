"""Ishikawa's reduction of positive monomials (``method="ishikawa"``).

For a > 0 and a monomial of degree d ≥ 3, with S₁ = Σ_i x_i, S₂ = Σ_{i<j} x_i x_j
and n = ⌊(d − 1)/2⌋ auxiliaries (Ishikawa 2011, "Transformation of general binary
MRF minimization to the first-order case", IEEE TPAMI 33:1234):

    a Π_{i∈S} x_i = a · min_{w∈{0,1}^n} [ S₂ + Σ_{k=1}^{n} w_k (c_k (2k − S₁) − 1) ],

c_k = 1 if d is odd and k = n, else 2. The w_k are independent, so with K = S₁ the
minimum is K(K−1)/2 + Σ_k min(0, c_k (2k − K) − 1). For K ≤ d − 1, the brackets of
k ≤ ⌊K/2⌋ are negative and sum to −K(K−1)/2, leaving 0; for K = d they leave 1.
(With m = ⌊K/2⌋ and c = 2: Σ_{k≤m} (4k − 2K − 1) = m(2m + 1 − 2K), which is
−K(K−1)/2 for K = 2m and K = 2m + 1.) No penalty; each w_k enters as
w_k · a (2k c_k − 1 − c_k S₁). Method ``ishikawa`` reduces positive terms this way
and negative terms by Freedman's formula; spin polynomials are expanded first.

Example:
    >>> import dimod
    >>> from qanneal.reduce import to_bqm
    >>> poly = dimod.BinaryPolynomial({"abcdef": 1.0}, dimod.BINARY)
    >>> bqm, info = to_bqm(poly, method="ishikawa")
    >>> [aux.stands_for for aux in info.auxiliaries]  # doctest: +NORMALIZE_WHITESPACE
    ["ishikawa aux 1 of term ('a', 'b', 'c', 'd', 'e', 'f')",
     "ishikawa aux 2 of term ('a', 'b', 'c', 'd', 'e', 'f')"]
"""

from __future__ import annotations

import itertools

from qanneal.reduce._builder import QuadraticBuilder, quadratic_start
from qanneal.reduce._polynomial import Term, Terms
from qanneal.reduce.freedman import add_freedman


def ishikawa_count(degree: int) -> int:
    """Auxiliaries for one positive monomial: ⌊(d − 1)/2⌋ (0 below degree 3).

    >>> [ishikawa_count(d) for d in range(2, 9)]
    [0, 1, 1, 2, 2, 3, 3]
    """
    return (degree - 1) // 2 if degree > 2 else 0


def add_ishikawa(builder: QuadraticBuilder, term: Term, bias: float) -> list[int]:
    """a · S₂ plus ⌊(d − 1)/2⌋ auxiliaries (formula in the module docstring)."""
    if bias <= 0:
        raise AssertionError("Ishikawa's reduction takes positive terms only")
    degree = len(term)
    for i, j in itertools.combinations(term, 2):
        builder.add_quadratic(i, j, bias)
    count = ishikawa_count(degree)
    added = []
    for k in range(1, count + 1):
        c = 1 if degree % 2 and k == count else 2
        weights = [(i, -bias * c) for i in term]
        added.append(builder.add_gadget("ishikawa", term, k, bias * (2 * k * c - 1), weights))
    return added


def reduce_ishikawa(terms: Terms, strength: float | None) -> tuple[QuadraticBuilder, str]:
    """Positive monomials by Ishikawa, negative ones by Freedman (no substitutions)."""
    del strength  # no penalties to scale
    builder, high = quadratic_start(terms)
    for term, bias in high.items():
        if bias > 0:
            add_ishikawa(builder, term, bias)
        else:
            add_freedman(builder, term, bias)
    return builder, "BINARY"
