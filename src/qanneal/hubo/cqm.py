"""The perceptron and the one-hidden-layer BiNN as a constrained quadratic model
(``formulation.type = "cqm"``): every training pattern is a constraint, with no slack
bits and no penalty strength.

Variables are BINARY, x ∈ {0, 1} standing for the weight w = 2x − 1 (labels as in the
model: ``w[i]``, ``b``; ``W1[j,i]``, ``b1[j]``, ``V[j]``, ``c``), so the model goes
unchanged to a CQM solver and to :func:`dimod.cqm_to_bqm`.

* Perceptron, pattern μ (label ``pattern[μ]``): Δ_μ = y_μ Σ_i ξ_iμ w_i (+ b) ≥ κ'.
  On integer data Δ_μ is an integer and a pattern is learned iff Δ_μ ≥ 1 (a tie is an
  error); κ' is the smallest integer ≥ max(κ, 1) — on ±1 data the one with the fan-in's
  parity, as in the slack QUBO (:func:`~qanneal.hubo.slack.slack_parameters`). Linear.
* BiNN with one hidden layer: an auxiliary variable ``h[j,μ]`` per hidden unit and
  pattern (the `hidden` formulation's spins). Constraint ``hidden[j,μ]``: h·a' ≥ 1 with
  a = Σ_i W[j,i] x_i (+ b[j]) and a' = a when a can never be 0 (±1 inputs, odd fan-in)
  else a' = 2a + 1 (odd, and positive exactly when a ≥ 0: the network's sign(0) = +1).
  Because a' is a nonzero integer, h·a' ≥ 1 ⇔ h = sign(a'): the auxiliary is *forced* to
  the unit's activation. Constraint ``pattern[μ]``: y·(Σ_j V[j] h[j,μ] (+ c)) ≥ κ' (the
  output terms are ±1, so κ' follows the output fan-in's parity). Both are quadratic
  (h·W and V·h products of two binaries), which CQM solvers take; dimod's
  ``cqm_to_bqm`` takes linear constraints only, so the penalty form exists for the
  perceptron.

Objective: zero. Every feasible point is a network with zero training errors (and, with
a hinge margin, Δ ≥ κ'), so feasibility is the whole question; any objective would pick
among the solutions (biasing what a study of the solution space sees) and give a CQM
solver a second goal to trade against feasibility. The energy qanneal reports for a CQM
read is therefore its total constraint violation Σ_c max(0, rhs_c − lhs_c): zero exactly
for the reads with zero training errors.

Example:
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1, 1, -1], [1, -1, 1]]), np.array([1, 1]))
    >>> formulation = constrained_model(model)
    >>> len(formulation.cqm.constraints), formulation.kappa
    (2, 1)
    >>> sample = formulation.complete(np.array([1, 1, 1]))
    >>> formulation.cqm.check_feasible(sample)
    True
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dimod
import numpy as np
from dimod.sym import Sense

from qanneal.errors import FormulationError
from qanneal.hubo.slack import slack_parameters
from qanneal.models import BinaryModel, BinaryNeuralNetwork, BinaryPerceptron

CQM_LOSSES = ("errors", "hinge")


@dataclass(frozen=True)
class ConstrainedFormulation:
    """A CQM over BINARY variables and what is needed to read its samples."""

    cqm: dimod.ConstrainedQuadraticModel
    weight_labels: list[str]
    hidden_labels: list[str]
    kappa: int
    model: BinaryModel

    def decode(self, sample: Mapping[Hashable, Any]) -> np.ndarray:
        """±1 weights (int8, model variable order) of a 0/1 sample."""
        return np.array([2 * int(sample[v]) - 1 for v in self.weight_labels], dtype=np.int8)

    def complete(self, weights: np.ndarray) -> dict[str, int]:
        """A full 0/1 sample: these weights plus the hidden activations they produce
        (feasible exactly when the weights make no training error)."""
        weights = np.asarray(weights)
        sample = {v: int(w > 0) for v, w in zip(self.weight_labels, weights, strict=True)}
        if self.hidden_labels:
            assert isinstance(self.model, BinaryNeuralNetwork)
            activations = self.model.hidden_activations(weights)[0]  # (P, H)
            for label, value in zip(self.hidden_labels, activations.T.ravel(), strict=True):
                sample[label] = int(value > 0)
        return sample

    def violations(self, samples: np.ndarray, labels: Sequence[Hashable]) -> np.ndarray:
        """(reads, constraints) amount by which each read violates each constraint
        (0 where satisfied), in constraint order."""
        return violations(self.cqm, samples, labels)

    def readout(
        self, samples: np.ndarray, labels: Sequence[Hashable], energies: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        """(±1 weights, energies, {"feasibility": …}) of 0/1 samples over ``labels`` (the
        CQM's variables, possibly with more, e.g. the slack bits of its penalty form).
        Without ``energies`` a read's energy is its total violation (the objective is 0)."""
        index = {label: k for k, label in enumerate(labels)}
        order = list(self.cqm.variables)
        missing = [v for v in order if v not in index]
        if missing:
            raise FormulationError(
                f"the samples lack variable {missing[0]!r} of the CQM; sample the problem's "
                "own cqm() (or its penalty bqm())"
            )
        values = np.asarray(samples)[:, [index[v] for v in order]]
        gaps = self.violations(values, order)
        position = {v: k for k, v in enumerate(order)}
        bits = values[:, [position[v] for v in self.weight_labels]]
        weights = (2 * np.rint(bits) - 1).astype(np.int8)
        if energies is None:
            energies = gaps.sum(axis=1)
        return (
            weights,
            np.asarray(energies, dtype=np.float64),
            {"feasibility": self.feasibility(gaps)},
        )

    def feasibility(self, violations: np.ndarray) -> dict[str, Any]:
        """The run record's summary of per-constraint feasibility of the reads."""
        violated = violations > 0
        labels = list(self.cqm.constraints)
        share = violated.mean(axis=0) if len(violated) else np.zeros(len(labels))
        worst = np.argsort(-share, kind="stable")[:10]
        return {
            "constraints": len(labels),
            "feasible_share": float(np.mean(~violated.any(axis=1))) if len(violated) else 0.0,
            "violated_per_read": violated.sum(axis=1).astype(int).tolist(),
            "most_violated": {str(labels[k]): float(share[k]) for k in worst if share[k] > 0},
        }


def violations(
    cqm: dimod.ConstrainedQuadraticModel, samples: np.ndarray, labels: Sequence[Hashable]
) -> np.ndarray:
    """(reads, constraints) amount by which each read (values of ``labels``) violates each
    constraint of ``cqm`` (0 where satisfied), in constraint order.

    >>> x, y = dimod.Binaries(["x", "y"])
    >>> cqm = dimod.ConstrainedQuadraticModel()
    >>> _ = cqm.add_constraint(x + y >= 1)
    >>> violations(cqm, np.array([[0, 0], [1, 0]]), ["x", "y"]).tolist()
    [[1.0], [0.0]]
    """
    samples = np.atleast_2d(samples)
    columns = []
    for constraint in cqm.constraints.values():
        lhs = np.asarray(constraint.lhs.energies((samples, labels)), dtype=np.float64)
        gap = float(constraint.rhs) - lhs
        if constraint.sense is Sense.Le:
            gap = -gap
        elif constraint.sense is Sense.Eq:
            gap = np.abs(gap)
        columns.append(np.maximum(gap, 0.0))
    return np.stack(columns, axis=1) if columns else np.zeros((len(samples), 0))


def _check(model: BinaryModel) -> None:
    if model.choices:
        raise FormulationError(
            "formulation 'cqm' cannot encode model.choices; use formulation 'native', "
            "'walsh' or 'hidden'"
        )
    if model.loss not in CQM_LOSSES:
        raise FormulationError(
            f"formulation 'cqm' encodes zero training errors (loss.type 'errors', or "
            f"'hinge' for a margin), not {model.loss!r}; use formulation 'native' or 'nl'"
        )
    if isinstance(model, BinaryNeuralNetwork) and len(model.hidden) != 1:
        raise FormulationError(
            "formulation 'cqm' takes a BiNN with one hidden layer (model.hidden = [H]); "
            "use formulation 'native' for deeper networks"
        )
    if not np.array_equal(model.patterns, np.round(model.patterns)):
        raise FormulationError(
            "formulation 'cqm' needs integer-valued inputs (Δ > 0 is then Δ ≥ 1); "
            "binarise the data or use formulation 'native'"
        )


def _threshold(fan_in: int, margin: float, plus_minus_one: bool) -> int:
    """κ': on ±1 terms the parity-aware value of the slack QUBO, else ⌈max(κ, 1)⌉."""
    if plus_minus_one:
        return slack_parameters(fan_in, margin)[0]
    return max(1, int(np.ceil(margin)))


def constrained_model(model: BinaryModel) -> ConstrainedFormulation:
    """The CQM of a perceptron or one-hidden-layer BiNN (see the module docstring)."""
    _check(model)
    margin = model.margin if model.loss == "hinge" else 0.0
    if isinstance(model, BinaryPerceptron):
        return _perceptron(model, margin)
    if isinstance(model, BinaryNeuralNetwork):
        return _binn(model, margin)
    raise FormulationError("formulation 'cqm' needs model.type 'perceptron' or 'binn'")


def _perceptron(model: BinaryPerceptron, margin: float) -> ConstrainedFormulation:
    plus_minus_one = bool(np.isin(model.patterns, (-1.0, 1.0)).all())
    kappa = _threshold(model.fan_in, margin, plus_minus_one)
    columns = model.labels[:, None].astype(np.float64) * model.augmented()  # (P, n_w)
    labels = model.variables
    cqm = dimod.ConstrainedQuadraticModel()
    cqm.add_variables("BINARY", labels)
    for mu, row in enumerate(columns):
        # Σ_i c_i (2 x_i − 1) ≥ κ'  ⇔  Σ_i 2 c_i x_i ≥ κ' + Σ_i c_i
        terms = [(v, 2.0 * c) for v, c in zip(labels, row, strict=True) if c != 0]
        cqm.add_constraint_from_iterable(
            terms, ">=", float(kappa + row.sum()), label=f"pattern[{mu}]"
        )
    return ConstrainedFormulation(cqm, labels, [], kappa, model)


def _binn(model: BinaryNeuralNetwork, margin: float) -> ConstrainedFormulation:
    width = model.hidden[0]
    fan_in = model.num_inputs + int(model.bias)
    never_zero = bool(np.isin(model.patterns, (-1.0, 1.0)).all()) and fan_in % 2 == 1
    scale, shift = (1.0, 0.0) if never_zero else (2.0, 1.0)
    kappa = _threshold(width + int(model.bias), margin, True)
    cqm = dimod.ConstrainedQuadraticModel()
    cqm.add_variables("BINARY", model.variables)
    hidden_labels = [f"h[{j},{mu}]" for j in range(width) for mu in range(model.num_patterns)]
    cqm.add_variables("BINARY", hidden_labels)
    for mu, (x, y) in enumerate(zip(model.patterns, model.labels, strict=True)):
        for j in range(width):
            # a' = Σ_k 2 g_k u_k + g0 over weight bits u (W = 2u − 1); (2z − 1)·a' ≥ 1
            inputs = [(f"W1[{j},{i}]", scale * x[i]) for i in range(model.num_inputs)]
            if model.bias:
                inputs.append((f"b1[{j}]", scale))
            g0 = shift - sum(g for _, g in inputs)
            z = f"h[{j},{mu}]"
            terms: list[tuple[Any, ...]] = [(z, 2.0 * g0)]
            for name, g in inputs:
                if g != 0:
                    terms += [(z, name, 4.0 * g), (name, -2.0 * g)]
            cqm.add_constraint_from_iterable(terms, ">=", 1.0 + g0, label=f"hidden[{j},{mu}]")
        # y·(Σ_j (2v − 1)(2z − 1) + (2c − 1)) ≥ κ'
        output: list[tuple[Any, ...]] = []
        constant = 0.0
        for j in range(width):
            v, z = f"V[{j}]", f"h[{j},{mu}]"
            output += [(v, z, 4.0 * y), (v, -2.0 * y), (z, -2.0 * y)]
            constant += y
        if model.bias:
            output.append(("c", 2.0 * y))
            constant -= y
        cqm.add_constraint_from_iterable(output, ">=", kappa - constant, label=f"pattern[{mu}]")
    return ConstrainedFormulation(cqm, model.variables, hidden_labels, kappa, model)
