"""Spin products: pair substitution kept in spin space (used by ``method="auto"``).

A spin monomial b Π s_i can be shortened by a spin product p = s_a s_b, like
Rosenberg's binary product. In binary encodings (s = 2x − 1), p = s_a s_b means
x_p = 1 exactly when x_a = x_b, i.e. x_a + x_b + x_p is odd. With a helper w,

    G(x_a, x_b, x_p, w) = (x_a + x_b + x_p − 1 − 2w)²

is 0 at w = (x_a + x_b + x_p − 1)/2 when the sum is odd (1 or 3), and at least 1
when it is even, so min_w G = 0 iff p = s_a s_b, with a gap of 1. Expanded (x² = x,
w² = w): G = 2(x_a x_b + x_a x_p + x_b x_p) − (x_a + x_b + x_p) + w (8 − 4(x_a + x_b + x_p)) + 1.
Each spin product costs two auxiliaries (p and w), as in dimod.

**Penalty.** The argument of :mod:`~qanneal.reduce.rosenberg` carries over: fix the
products from the last to the first, resetting each product built from the one
fixed (and re-minimising the helpers, whose G then drops to 0). The penalty falls by
at least M_j; a spin term only changes sign, by at most 2 |c_T|, but without a
preferred direction, so M_j = 2 Σ_{T ∈ T_j} |c_T| = 2 (P_j + N_j) suffices.

Example:
    >>> import dimod
    >>> from qanneal.reduce._builder import QuadraticBuilder
    >>> builder = QuadraticBuilder(["a", "b"])
    >>> p = add_spin_product(builder, 0, 1, 1.0)
    >>> bqm = builder.to_bqm(dimod.BINARY)
    >>> [float(bqm.energy({"a": 1, "b": 0, "a*b": v, "helper[a*b]": 0})) for v in (0, 1)]
    [0.0, 1.0]
"""

from __future__ import annotations

from qanneal.reduce._builder import AuxRecord, QuadraticBuilder


def add_spin_product(builder: QuadraticBuilder, a: int, b: int, penalty: float) -> int:
    """The binary encoding p of s_a s_b plus its helper, scaled by ``penalty``; returns p."""
    p = builder.new_auxiliary(AuxRecord("spin-product", factors=(a, b), penalty=penalty))
    for i, j in ((a, b), (a, p), (b, p)):
        builder.add_quadratic(i, j, 2.0 * penalty)
    for i in (a, b, p):
        builder.add_linear(i, -penalty)
    builder.offset += penalty
    weights = [(i, -4.0 * penalty) for i in (a, b, p)]
    builder.add_gadget("spin-product-helper", (a, b, p), 0, 8.0 * penalty, weights)
    return p
