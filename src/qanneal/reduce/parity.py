"""A spin monomial kept whole: the parity gadget (used by ``method="auto"``).

Expanding b Π_{i∈S} s_i with s = 2x − 1 gives 2^d binary monomials; instead,
treat it as a symmetric function. Write b Π s_i = a Π t_i with a = |b| and spin
literals t_i = s_i, except t_first = −s_first when b < 0. With binary literals
ℓ_i = (1 + t_i)/2 (ℓ = x, or 1 − x for the flipped one) and K = Σ ℓ_i ∈ {0..d},

    f(K) = a Π t_i = a (−1)^(d−K).

The second difference is Δ²f(K) = −4 f(K). Write f = α K² + β K + c + Σ_j h_j with
α = 2a (so 2α = 4a matches the positive second differences) and one kink
h_j(K) = min(0, −8a (K − K_j)) at each K_j ∈ {d−2, d−4, …} ∩ [1, d−1], where
Δ²f = −4a − 4a = −8a relative to 2α; c = f(0) and β = f(1) − f(0) − α (no kink
reaches K ≤ 1 before it). Each kink is one auxiliary:
min_w w · (−8a)(K − K_j) = h_j(K). Hence ⌊(d − 1)/2⌋ auxiliaries, no penalty —
Ishikawa's count for a positive binary monomial of the same degree.

K² is quadratic in x (x_i² = x_i), so the gadget is a QUBO. Example:
s_1 … s_6 needs 2 auxiliaries (8 variables), where dimod's make_quadratic uses 8.

    >>> import dimod
    >>> from qanneal.reduce import to_bqm
    >>> poly = dimod.BinaryPolynomial({"abcdef": 1.0}, dimod.SPIN)
    >>> bqm, info = to_bqm(poly)
    >>> info.num_auxiliary, info.reduced_as, bqm.vartype is dimod.SPIN
    (2, 'SPIN', True)
    >>> float(dimod.ExactSolver().sample(bqm).first.energy)
    -1.0
"""

from __future__ import annotations

import itertools

from qanneal.reduce._builder import QuadraticBuilder
from qanneal.reduce._polynomial import Term


def parity_count(degree: int) -> int:
    """Auxiliaries of one spin monomial: ⌊(d − 1)/2⌋ (0 below degree 3).

    >>> [parity_count(d) for d in range(2, 9)]
    [0, 1, 1, 2, 2, 3, 3]
    """
    return (degree - 1) // 2 if degree > 2 else 0


def parity_coefficients(degree: int, a: float) -> tuple[float, float, float, list[int]]:
    """(α, β, c, kinks K_j) of f(K) = a (−1)^(d−K) = α K² + β K + c + Σ_j min(0, −8a(K − K_j)).

    >>> parity_coefficients(3, 1.0)
    (2.0, 0.0, -1.0, [1])
    """
    sign = -1.0 if degree % 2 else 1.0  # (−1)^d
    alpha = 2.0 * a
    constant = a * sign
    beta = -2.0 * a * sign - 2.0 * a
    return alpha, beta, constant, list(range(degree - 2, 0, -2))


def add_parity(builder: QuadraticBuilder, term: Term, bias: float) -> list[int]:
    """Add b Π_{i∈term} s_i over binary x (s = 2x − 1); returns the auxiliaries."""
    a = abs(bias)
    alpha, beta, constant, kinks = parity_coefficients(len(term), a)
    # K = k0 + Σ σ_i x_i: the first literal is 1 − x when b < 0.
    k0 = 1 if bias < 0 else 0
    sigma = [-1.0 if (bias < 0 and pos == 0) else 1.0 for pos in range(len(term))]
    builder.offset += alpha * k0 * k0 + beta * k0 + constant
    for i, s in zip(term, sigma, strict=True):
        builder.add_linear(i, alpha * (2 * k0 * s + 1) + beta * s)
    for (i, si), (j, sj) in itertools.combinations(zip(term, sigma, strict=True), 2):
        builder.add_quadratic(i, j, 2.0 * alpha * si * sj)
    added = []
    for rank, kink in enumerate(kinks, start=1):
        weights = [(i, -8.0 * a * s) for i, s in zip(term, sigma, strict=True)]
        added.append(builder.add_gadget("parity", term, rank, 8.0 * a * (kink - k0), weights))
    return added
