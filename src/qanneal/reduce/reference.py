"""``method="dimod"``: ``dimod.make_quadratic`` as the reference reduction.

dimod substitutes pairs greedily (most common pair first) with one global
``strength``, in the polynomial's own vartype: a binary product costs one
auxiliary (``and_gate``), a spin product two (the product and a helper spin).

**Default strength** (dimod requires one): the smallest value that the argument
of :mod:`~qanneal.reduce.rosenberg` certifies for *any* sequence of substitutions,
because no substitution can touch more than every term of degree ≥ 3:

* BINARY: M = Σ_{|T| ≥ 3} |c_T| (a violated AND gate costs ≥ 1 per unit of strength);
* SPIN: M = 2 Σ_{|T| ≥ 3} |c_T| (flipping a spin product moves a term by up to 2|c_T|,
  and dimod's spin-product gadget has a gap of 1).

The per-substitution penalties of qanneal's own methods are usually much smaller.

**Not reproducible across processes.** dimod takes the next pair from a Python set of
frozensets, and its product variables are strings (``"u*v"``), so among equally common
pairs the choice follows Python's per-process string hashing: the same polynomial can get a
different number of auxiliaries in another process (29–39 for one perceptron polynomial in
benchmarks/README.md, *precision*; integer labels do not help once a product exists). Set
``PYTHONHASHSEED`` when a reference run must be repeated exactly; qanneal's own methods do
not depend on it.

Example:
    >>> import dimod
    >>> from qanneal.reduce import to_bqm
    >>> poly = dimod.BinaryPolynomial({"abc": 2.0, "abd": -1.0}, dimod.BINARY)
    >>> bqm, info = to_bqm(poly, method="dimod")
    >>> info.strength, info.num_auxiliary, sorted(info.auxiliaries[0].factors)
    (3.0, 1, ['a', 'b'])
"""

from __future__ import annotations

from collections.abc import Hashable

import dimod

from qanneal.reduce._polynomial import Terms
from qanneal.reduce.info import Auxiliary


def default_strength(terms: Terms) -> float:
    """The certified global strength described in the module docstring (≥ 1e-300).

    >>> import dimod
    >>> from qanneal.reduce._polynomial import read_polynomial
    >>> default_strength(read_polynomial(dimod.BinaryPolynomial({"abc": -2, "ab": 5}, "SPIN")))
    4.0
    """
    mass = sum(abs(b) for t, b in terms.biases.items() if len(t) > 2)
    factor = 2.0 if terms.vartype is dimod.SPIN else 1.0
    return max(factor * mass, 1e-300)


def reduce_with_dimod(
    poly: dimod.BinaryPolynomial, terms: Terms, strength: float | None
) -> tuple[dimod.BinaryQuadraticModel, tuple[Auxiliary, ...], float]:
    """dimod's BQM (every original variable included), its auxiliaries and the strength."""
    used = default_strength(terms) if strength is None else strength
    bqm = dimod.make_quadratic(poly, used, poly.vartype)
    for label in terms.labels:
        bqm.add_variable(label, 0.0)
    auxiliaries: list[Auxiliary] = []
    reduction = bqm.info["reduction"]  # type: ignore[attr-defined]  # set by make_quadratic
    for (u, v), entry in reduction.items():
        product = entry["product"]
        kind = "product" if poly.vartype is dimod.BINARY else "spin-product"
        auxiliaries.append(Auxiliary(product, kind, f"{u} * {v}", (u, v), penalty=used))
        if "auxiliary" in entry:
            auxiliaries.append(_helper(entry["auxiliary"], u, v, product, used))
    return bqm, tuple(auxiliaries), used


def _helper(label: Hashable, u: Hashable, v: Hashable, p: Hashable, strength: float) -> Auxiliary:
    """dimod's helper spin a of s_p = s_u s_v enters as strength · a (s_u + s_v + s_p − 1);
    with a = 2w − 1 and s = 2x − 1 its binary coefficient is 4·strength (x_u + x_v + x_p − 2)."""
    weights = tuple((label_, 4.0 * strength) for label_ in (u, v, p))
    return Auxiliary(
        label,
        "spin-product-helper",
        f"helper of spin product {p}",
        term=(u, v, p),
        coefficient=(-8.0 * strength, weights),
    )
