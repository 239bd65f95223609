"""HUBO → QUBO: reduce a ``dimod.BinaryPolynomial`` to a ``dimod.BinaryQuadraticModel``.

``to_bqm(poly, method, strength)`` returns the BQM and a :class:`ReductionInfo`
(every auxiliary and what it stands for, penalties, counts, ``decode``);
:func:`verify` checks that min over auxiliaries of the BQM equals the polynomial.

| method | monomials of degree ≥ 3 | penalties |
|---|---|---|
| ``auto`` | fewest auxiliaries found: shared products, Freedman, Ishikawa, | per product |
| | spin monomials expanded or kept whole (parity gadget, spin products) | |
| ``rosenberg`` | pair substitution, most shared pair first | per product |
| ``freedman`` | negative: Freedman; positive: pair substitution | per product |
| ``ishikawa`` | positive: Ishikawa; negative: Freedman | none |
| ``dimod`` | ``dimod.make_quadratic`` (reference) | one global strength |

Degree ≤ 2 terms pass through unchanged. The BQM has the polynomial's vartype; the
binary methods expand spin polynomials with s = 2x − 1 and convert the result back.
``strength`` replaces every product penalty by one global value.

Example:
    >>> import dimod
    >>> poly = dimod.BinaryPolynomial({"abcdef": 1.0, "abc": -2.0, "a": 0.5}, dimod.BINARY)
    >>> bqm, info = to_bqm(poly)
    >>> info.num_auxiliary, bqm.num_variables
    (3, 9)
    >>> verify(poly, bqm, info).exact
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable

import dimod

from qanneal.errors import FormulationError
from qanneal.reduce._builder import QuadraticBuilder
from qanneal.reduce._polynomial import Terms, read_polynomial
from qanneal.reduce.freedman import reduce_freedman
from qanneal.reduce.info import Auxiliary, ReductionInfo
from qanneal.reduce.io import load_reduction, save_reduction
from qanneal.reduce.ishikawa import reduce_ishikawa
from qanneal.reduce.plan import reduce_auto
from qanneal.reduce.reference import reduce_with_dimod
from qanneal.reduce.rosenberg import reduce_rosenberg
from qanneal.reduce.verify import VerifyReport, verify

Reducer = Callable[[Terms, float | None], tuple[QuadraticBuilder, str]]
REDUCERS: dict[str, Reducer] = {
    "auto": reduce_auto,
    "rosenberg": reduce_rosenberg,
    "freedman": reduce_freedman,
    "ishikawa": reduce_ishikawa,
}
METHODS = (*REDUCERS, "dimod")

__all__ = [
    "METHODS",
    "Auxiliary",
    "ReductionInfo",
    "VerifyReport",
    "load_reduction",
    "save_reduction",
    "to_bqm",
    "verify",
]


def to_bqm(
    poly: dimod.BinaryPolynomial, method: str = "auto", strength: float | None = None
) -> tuple[dimod.BinaryQuadraticModel, ReductionInfo]:
    """Reduce ``poly`` to a BQM with ``method`` (see the module table).

    ``strength``: a positive global penalty for every product auxiliary instead of
    the per-product penalties (for ``dimod``, its strength; default documented in
    :mod:`~qanneal.reduce.reference`). A spin polynomial reduced by a binary method is
    expanded first, so the strength must then cover the expanded biases (up to 3^d
    times a degree-d spin bias). Raises FormulationError on bad input.

    >>> import dimod
    >>> poly = dimod.BinaryPolynomial({(0, 1, 2): -1.0}, dimod.BINARY)
    >>> [to_bqm(poly, m)[1].num_auxiliary for m in METHODS]
    [1, 1, 1, 1, 1]
    """
    if method not in METHODS:
        raise FormulationError(
            f"unknown reduction method {method!r}; use one of {', '.join(METHODS)}"
        )
    strength = check_strength(strength)
    terms = read_polynomial(poly)
    used: float | None
    if method == "dimod":
        bqm, auxiliaries, used = reduce_with_dimod(poly, terms, strength)
        reduced_as = poly.vartype.name
    else:
        builder, reduced_as = REDUCERS[method](terms, strength)
        bqm = builder.to_bqm(terms.vartype)
        auxiliaries, used = builder.auxiliaries(), strength
    info = ReductionInfo(
        method=method,
        variables=terms.labels,
        vartype=terms.vartype,
        reduced_as=reduced_as,
        auxiliaries=auxiliaries,
        num_couplings=bqm.num_interactions,
        strength=used,
        polynomial=poly,
    )
    return bqm, info


def check_strength(strength: object) -> float | None:
    """None, or a finite positive float (FormulationError otherwise)."""
    if strength is None:
        return None
    try:
        value = float(strength)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FormulationError(f"strength = {strength!r} must be a number") from None
    if not (math.isfinite(value) and value > 0):
        raise FormulationError(f"strength = {strength!r} must be a finite number > 0")
    return value
