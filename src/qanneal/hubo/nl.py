"""The training loss as a nonlinear model over binary weights (``formulation.type = "nl"``),
built with dwave-optimization (the model class Leap's hybrid NL solver takes).

Decision variables are binary arrays x ∈ {0, 1} standing for the weights w = 2x − 1, one
array per weight block in the model's variable order (a perceptron: one array of N (+1)
weights; a BiNN: ``W1`` (H₁ × N), ``b1``, …, ``V``, ``c``). The objective is the loss
written with the model's own arithmetic, no expansion and no auxiliary variables:

    Δ = y ⊙ (X @ w (+ b))                              perceptron (matrix product)
    h = 2·[W h_prev (+ b) ≥ 0] − 1, Δ = y ⊙ (h @ V (+ c))  BiNN (sign(0) = +1)
    errors Σ [Δ ≤ 0] · perclinear Σ [Δ ≤ 0](1 − Δ)/√fan_in · hinge Σ max(0, κ − Δ)
    quadratic Σ (Δ − κ)²/fan_in · bce Σ log(1 + exp(−Δ/√fan_in))

so the model's objective is the native energy Σ_μ loss(Δ_μ) for every state (exactly for
``errors`` and for ``hinge`` on integer data; to floating-point rounding otherwise).

Example:
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1, 1, -1], [1, -1, 1]]), np.array([1, -1]))
    >>> formulation = nonlinear_model(model)
    >>> weights = np.array([[1, 1, 1], [-1, -1, 1]])
    >>> formulation.evaluate(weights).tolist(), model.energy(weights).tolist()
    ([1.0, 2.0], [1.0, 2.0])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import dimod
import numpy as np

from qanneal.errors import FormulationError
from qanneal.models import BinaryModel, BinaryNeuralNetwork, BinaryPerceptron

NL_LOSSES = ("errors", "perclinear", "hinge", "quadratic", "bce")


def binary_decisions(model: Any) -> list[Any]:
    """The model's decision arrays, in ``iter_decisions()`` order, checked to be binary (the
    variables an NL sample set has, flattened row-major one after the other)."""
    from dwave.optimization.symbols import BinaryVariable

    decisions = list(model.iter_decisions())
    for decision in decisions:
        if not isinstance(decision, BinaryVariable):
            raise FormulationError(
                f"the nonlinear model has a {type(decision).__name__} decision; only binary "
                "decision arrays can be enumerated or read as 0/1 samples"
            )
    return decisions


def _sizes(decisions: list[Any]) -> list[int]:
    return [int(np.prod(d.shape())) if d.shape() else 1 for d in decisions]


def num_binary_variables(model: Any) -> int:
    """How many 0/1 variables the model's binary decision arrays hold together."""
    return sum(_sizes(binary_decisions(model)))


def write_states(model: Any, rows: np.ndarray) -> None:
    """Make the model's states these 0/1 rows (one per state, columns in NL sample-set
    order: the decision arrays in ``iter_decisions()`` order, each flattened), replacing
    any states. The model must be locked."""
    decisions = binary_decisions(model)
    sizes = _sizes(decisions)
    rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
    if rows.shape[1] != sum(sizes):
        raise ValueError(f"rows have {rows.shape[1]} columns; the model has {sum(sizes)} bits")
    model.states.clear()
    model.states.resize(len(rows))
    bounds = np.cumsum([0, *sizes])
    for decision, start, stop in zip(decisions, bounds[:-1], bounds[1:], strict=True):
        shape = decision.shape()
        for k, row in enumerate(rows):
            block = row[start:stop]
            decision.set_state(k, block.reshape(shape) if shape else block[0])


def read_states(model: Any) -> tuple[np.ndarray, np.ndarray]:
    """(0/1 rows as int8, objective values) of the model's states, in NL sample-set order."""
    decisions = binary_decisions(model)
    count = model.states.size()
    rows = [
        np.concatenate([np.ravel(d.state(k)) for d in decisions]) if decisions else np.zeros(0)
        for k in range(count)
    ]
    bits = np.rint(np.array(rows, dtype=np.float64)).astype(np.int8).reshape(count, -1)
    objectives = np.array([float(model.objective.state(k)) for k in range(count)])
    return bits, objectives


def objective_values(model: Any, rows: np.ndarray) -> np.ndarray:
    """The objective at each 0/1 row (NL sample-set order); the model's states are left
    empty afterwards."""
    write_states(model, rows)
    try:
        return read_states(model)[1]
    finally:
        model.states.clear()


@dataclass(frozen=True)
class NonlinearFormulation:
    """A dwave-optimization model of a loss, its decision arrays (in variable order) and
    the model's variable labels: column k of an NL sample set is weight ``labels[k]``.
    Reading and setting states mutates ``model.states``."""

    model: Any  # dwave.optimization.Model, locked
    decisions: list[Any]
    labels: list[str]

    def weights(self) -> np.ndarray:
        """(states, n) ±1 weights (int8, model variable order) of the model's states."""
        return (2 * read_states(self.model)[0] - 1).astype(np.int8)

    def objectives(self) -> np.ndarray:
        """The objective value of every state."""
        return read_states(self.model)[1]

    def set_weights(self, weights: np.ndarray) -> None:
        """Make the model's states these ±1 weight rows (replacing any states)."""
        weights = np.atleast_2d(np.asarray(weights))
        if weights.shape[1] != len(self.labels):
            raise ValueError(
                f"weights have {weights.shape[1]} columns; the model has "
                f"{len(self.labels)} variables"
            )
        write_states(self.model, weights > 0)

    def evaluate(self, weights: np.ndarray) -> np.ndarray:
        """The objective at each row of ±1 weights (sets the model's states)."""
        self.set_weights(weights)
        return self.objectives()

    def sampleset(self) -> dimod.SampleSet:
        """The model's states as an NL sample set (BINARY, variable k = weight
        ``labels[k]``, the objective as energy), what an ``nl`` sampler returns."""
        bits, objectives = read_states(self.model)
        labels = list(range(bits.shape[1]))
        return dimod.SampleSet.from_samples((bits, labels), dimod.BINARY, energy=objectives)


def _check(model: BinaryModel) -> None:
    if model.choices:
        raise FormulationError(
            "formulation 'nl' cannot encode model.choices; use formulation 'native' or 'walsh'"
        )
    if model.loss not in NL_LOSSES:
        raise FormulationError(
            f"formulation 'nl' supports loss.type {', '.join(NL_LOSSES)}, not {model.loss!r}"
        )


def _spins(decision: Any) -> Any:
    return 2 * decision - 1


def _perceptron_output(nl: Any, model: BinaryPerceptron) -> tuple[Any, list[Any]]:
    from dwave.optimization.mathematical import matmul

    weights = nl.binary(model.fan_in)
    return matmul(nl.constant(model.augmented()), _spins(weights)), [weights]


def _binn_output(nl: Any, model: BinaryNeuralNetwork) -> tuple[Any, list[Any]]:
    from dwave.optimization.mathematical import matmul, transpose

    decisions: list[Any] = []
    activations = nl.constant(model.patterns)  # (P, width of the previous layer)
    sizes = model.layer_sizes
    for layer in range(1, len(sizes) - 1):
        matrix = nl.binary((int(sizes[layer]), int(sizes[layer - 1])))
        decisions.append(matrix)
        pre = matmul(activations, transpose(_spins(matrix)))
        if model.bias:
            bias = nl.binary(int(sizes[layer]))
            decisions.append(bias)
            pre = pre + _spins(bias)
        activations = 2 * (pre >= 0) - 1  # sign with sign(0) = +1
    output_weights = nl.binary(int(sizes[-2]))
    decisions.append(output_weights)
    output = matmul(activations, _spins(output_weights))
    if model.bias:
        offset = nl.binary()
        decisions.append(offset)
        output = output + _spins(offset)
    return output, decisions


def _loss(stabilities: Any, model: BinaryModel) -> Any:
    from dwave.optimization.mathematical import exp, log, maximum

    name, margin, fan_in = model.loss, model.margin, model.fan_in
    if name == "errors":
        return (stabilities <= 0).sum()
    if name == "perclinear":
        return ((stabilities <= 0) * (1 - stabilities)).sum() / math.sqrt(fan_in)
    if name == "hinge":
        return maximum(0, margin - stabilities).sum()
    if name == "quadratic":
        return ((stabilities - margin) ** 2).sum() / fan_in
    return log(1 + exp(-stabilities / math.sqrt(fan_in))).sum()


def nonlinear_model(model: BinaryModel) -> NonlinearFormulation:
    """The loss of a perceptron or BiNN as a locked dwave-optimization model."""
    from dwave.optimization import Model

    _check(model)
    nl = Model()
    if isinstance(model, BinaryPerceptron):
        output, decisions = _perceptron_output(nl, model)
    elif isinstance(model, BinaryNeuralNetwork):
        output, decisions = _binn_output(nl, model)
    else:
        raise FormulationError("formulation 'nl' needs model.type 'perceptron' or 'binn'")
    stabilities = nl.constant(model.labels.astype(np.float64)) * output
    nl.minimize(_loss(stabilities, model))
    nl.lock()
    return NonlinearFormulation(nl, decisions, model.variables)
