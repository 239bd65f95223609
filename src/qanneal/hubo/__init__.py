"""Losses over binary weights as energies an annealer takes.

``slack``: the perceptron as a QUBO with slack bits (a BQM). The polynomial (HUBO)
formulations give a ``dimod.BinaryPolynomial`` over SPIN variables: ``walsh`` (exact
Walsh–Fourier expansion of any model, n ≤ 24), ``symmetric`` (closed form per
perceptron pattern, no truth table) and ``hidden`` (a BiNN with auxiliary hidden-unit
spins). :func:`expand` picks one by name; :mod:`qanneal.reduce` turns a polynomial into
a BQM. Two formulations keep the model's structure for Leap's hybrid solvers: ``cqm``
(:mod:`qanneal.hubo.cqm`, one constraint per pattern: a ``dimod.ConstrainedQuadraticModel``)
and ``nl`` (:mod:`qanneal.hubo.nl`, the loss itself as a dwave-optimization model).
"""

from __future__ import annotations

import dimod

from qanneal.errors import FormulationError
from qanneal.models import BinaryModel

POLYNOMIAL_FORMULATIONS = ("walsh", "symmetric", "hidden")


def expand(
    model: BinaryModel, formulation: str, *, max_degree: int | None = None
) -> dimod.BinaryPolynomial:
    """The model's loss as a SPIN polynomial in one of :data:`POLYNOMIAL_FORMULATIONS`."""
    if formulation == "walsh":
        from qanneal.hubo.walsh import walsh_polynomial

        return walsh_polynomial(model, max_degree=max_degree)
    if formulation == "symmetric":
        from qanneal.hubo.symmetric import symmetric_polynomial

        return symmetric_polynomial(model, max_degree=max_degree)
    if formulation == "hidden":
        from qanneal.hubo.hidden import hidden_polynomial

        if max_degree is not None:
            raise FormulationError(
                "formulation.max_degree does not apply to 'hidden' (its degree is 3-4); remove it"
            )
        return hidden_polynomial(model).polynomial  # type: ignore[arg-type]
    raise FormulationError(
        f"formulation {formulation!r} is not a polynomial one; use one of "
        f"{', '.join(POLYNOMIAL_FORMULATIONS)}"
    )
