"""The constrained (``cqm``) and nonlinear (``nl``) formulations of a problem, as the part of
:class:`qanneal.problem.Problem` that builds and hands them out (a mixin: it uses the
problem's ``model``, ``kind`` and ``formulation``).

Example:
    >>> from qanneal.problem import problem_from_dict
    >>> problem = problem_from_dict({
    ...     "model": {"type": "perceptron", "inputs": 5},
    ...     "data": {"source": "teacher", "patterns": 3},
    ...     "formulation": {"type": "cqm"}})
    >>> len(problem.cqm().constraints), problem.bqm().num_variables > 5
    (3, True)
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import dimod

from qanneal.errors import FormulationError
from qanneal.models import BinaryModel


class HybridFormulations:
    """``cqm()``, its penalty form and ``nl_model()`` of a problem (built on first use)."""

    model: BinaryModel
    formulation: str

    @property
    def kind(self) -> str:  # defined by the problem
        raise NotImplementedError

    @cached_property
    def constrained(self) -> Any:
        """The :class:`~qanneal.hubo.cqm.ConstrainedFormulation` of the model."""
        from qanneal.hubo.cqm import constrained_model

        return constrained_model(self.model)

    def cqm(self) -> dimod.ConstrainedQuadraticModel:
        """The constrained quadratic model of formulation 'cqm' (one constraint per
        pattern, and per hidden unit and pattern for a BiNN; zero objective)."""
        if self.kind != "cqm":
            raise FormulationError(f"formulation {self.formulation!r} is not 'cqm'")
        return self.constrained.cqm

    @cached_property
    def cqm_penalty(self) -> dimod.BinaryQuadraticModel:
        """The CQM as a penalty BQM (dimod.cqm_to_bqm: slack bits for each inequality;
        with the zero objective its multiplier only sets the energy unit)."""
        try:
            return dimod.cqm_to_bqm(self.cqm())[0]
        except ValueError:
            raise FormulationError(
                "a BiNN's 'cqm' has quadratic constraints, which dimod's penalty form "
                "(cqm_to_bqm) cannot take; use formulation 'hidden' for a BQM"
            ) from None

    @cached_property
    def nonlinear(self) -> Any:
        """The :class:`~qanneal.hubo.nl.NonlinearFormulation` of the model."""
        from qanneal.hubo.nl import nonlinear_model

        return nonlinear_model(self.model)

    def nl_model(self) -> Any:
        """The dwave-optimization model of formulation 'nl' (its states decode with
        ``problem.nonlinear.weights()``)."""
        if self.kind != "nl":
            raise FormulationError(f"formulation {self.formulation!r} is not 'nl'")
        return self.nonlinear.model
