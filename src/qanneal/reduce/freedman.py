"""Freedman's reduction of negative monomials (``method="freedman"``).

For a > 0 and a monomial of degree d ≥ 3 (Freedman & Drineas 2005):

    −a Π_{i∈S} x_i = min_{w∈{0,1}} −a w (Σ_{i∈S} x_i − (d − 1)).

If every x_i = 1 the bracket is 1 and w = 1 gives −a; otherwise it is ≤ 0 and w = 0
gives 0. One auxiliary per negative term and no penalty: the auxiliary enters as
w · a (d − 1 − Σ x_i). Method ``freedman`` reduces negative terms this way and
positive terms by Rosenberg substitution (pairs chosen among the positive terms);
spin polynomials are expanded into binary monomials first.

Example:
    >>> import dimod
    >>> from qanneal.reduce import to_bqm
    >>> poly = dimod.BinaryPolynomial({"abcdef": -2.0}, dimod.BINARY)
    >>> bqm, info = to_bqm(poly, method="freedman")
    >>> info.num_auxiliary, bqm.num_variables
    (1, 7)
    >>> float(dimod.ExactSolver().sample(bqm).first.energy)
    -2.0
"""

from __future__ import annotations

from qanneal.reduce._builder import QuadraticBuilder, quadratic_start
from qanneal.reduce._polynomial import Term, Terms
from qanneal.reduce.rosenberg import substitute_into


def add_freedman(builder: QuadraticBuilder, term: Term, bias: float) -> int:
    """One auxiliary w with energy w · a (d − 1 − Σ x_i), a = −bias > 0."""
    if bias >= 0:
        raise AssertionError("Freedman's reduction takes negative terms only")
    a = -bias
    weights = [(i, -a) for i in term]
    return builder.add_gadget("freedman", term, 0, a * (len(term) - 1), weights)


def reduce_freedman(terms: Terms, strength: float | None) -> tuple[QuadraticBuilder, str]:
    """Negative monomials by Freedman, positive ones by Rosenberg substitution."""
    builder, high = quadratic_start(terms)
    positive = {t: b for t, b in high.items() if b > 0}
    substitute_into(builder, positive, strength)
    for term, bias in high.items():
        if bias < 0:
            add_freedman(builder, term, bias)
    return builder, "BINARY"
