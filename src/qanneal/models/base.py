"""What every binary model shares: data, a loss over stabilities, predictions and scores.

A model is an architecture (how ±1 weights map inputs to one real output) plus,
optionally, a training set and a loss. Weights are flat int8 vectors in the order of
:attr:`BinaryModel.variables`; every method also takes a batch ``(R, n)`` of them.
Scoring convention (used everywhere): pattern μ is learned iff its stability
Δ_μ = y_μ · output_μ is > 0, so a zero output (a tie) counts as an error; ``predict``
breaks that tie towards +1 so that it always returns ±1.

Augmented choice variables (``choices``, the quantum-hypernetwork talks' architecture and
hyperparameter bits) are extra ±1 variables after the weights. Every model accepts
``"activation"``: one variable ``act`` selects the output unit's activation,
f(z) = z for act = +1 (the linear readout, so margin losses see the margin) and
f(z) = sign(z) for act = −1 (a binary output: every learned pattern has Δ = +1, ties
go to +1). BiNNs add ``"dropout"`` and ``"width"`` (see
:class:`~qanneal.models.binn.BinaryNeuralNetwork`). The losses' ``fan_in``
normalisation stays that of the full architecture.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

import numpy as np

from qanneal.models.losses import LOSSES, pattern_losses


def sign(values: np.ndarray) -> np.ndarray:
    """Elementwise sign as int8 with ties broken to +1: sign(0) = +1.

    >>> sign(np.array([-0.5, 0.0, 2.0])).tolist()
    [-1, 1, 1]
    """
    return np.where(np.asarray(values) >= 0, 1, -1).astype(np.int8)


class BinaryModel(ABC):
    """Base class: subclasses define :attr:`variables`, :attr:`fan_in` and :meth:`outputs`."""

    def __init__(
        self,
        num_inputs: int,
        patterns: np.ndarray | None,
        labels: np.ndarray | None,
        *,
        loss: str,
        margin: float,
        choices: Sequence[str] = (),
    ) -> None:
        if num_inputs < 1:
            raise ValueError(f"num_inputs = {num_inputs} must be >= 1")
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")
        self.num_inputs = int(num_inputs)
        self.loss = loss
        self.margin = float(margin)
        if patterns is None:
            patterns = np.empty((0, num_inputs))
            labels = np.empty(0)
        self.patterns = np.ascontiguousarray(patterns, dtype=np.float64)
        self.labels = np.asarray(labels, dtype=np.int8)
        if self.patterns.ndim != 2 or self.patterns.shape[1] != num_inputs:
            raise ValueError(f"patterns must have shape (P, {num_inputs}), not {patterns.shape}")
        if self.labels.shape != (self.patterns.shape[0],):
            raise ValueError("labels must have one ±1 entry per pattern")
        unknown = sorted(set(choices) - set(self.CHOICES))
        if unknown or len(set(choices)) != len(choices):
            raise ValueError(
                f"choices {list(choices)} must be distinct names from {list(self.CHOICES)}"
            )
        self.choices: tuple[str, ...] = tuple(c for c in self.CHOICES if c in choices)

    CHOICES: tuple[str, ...] = ("activation",)
    """Augmented choice variables this model type supports."""

    # -- architecture, defined by subclasses -------------------------------------------
    @property
    @abstractmethod
    def variables(self) -> list[str]:
        """Names of the binary variables, in the order of the flat weight vector."""

    @property
    @abstractmethod
    def fan_in(self) -> int:
        """Number of terms feeding the output unit (the losses' normalisation)."""

    @abstractmethod
    def outputs(self, weights: np.ndarray, patterns: np.ndarray | None = None) -> np.ndarray:
        """Real output (pre-activation of the output unit): shape (P,) or (R, P)."""

    @abstractmethod
    def decode(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        """Named weight arrays (e.g. ``{"w": ..., "b": ...}``) of one flat weight vector."""

    # -- shared behaviour --------------------------------------------------------------
    @property
    def choice_variables(self) -> list[str]:
        """Names of the augmented choice variables (they follow the weights)."""
        return ["act"] if "activation" in self.choices else []

    @property
    def num_weights(self) -> int:
        """Number of weights and biases (the variables before the choice variables)."""
        return self.num_variables - len(self.choice_variables)

    def activate(self, linear: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Apply the output activation chosen by ``act`` (identity without that choice)
        to linear outputs of shape (..., P), for weights of shape (..., n)."""
        if "activation" not in self.choices:
            return linear
        act = np.asarray(weights)[..., self.variables.index("act")]
        return np.where(np.asarray(act)[..., None] > 0, linear, np.where(linear >= 0, 1.0, -1.0))

    def decode_choices(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        """Named values of the choice variables of one flat vector, in variable order
        (empty without choices)."""
        weights = np.asarray(weights, dtype=np.int8)
        named: dict[str, np.ndarray] = {}
        names = self.variables
        if "act" in names:
            named["act"] = weights[[names.index("act")]].copy()
        masks = [k for k, name in enumerate(names) if name.startswith("mask[")]
        if masks:
            named["mask"] = weights[masks].copy()
        if "width" in names:
            named["width"] = weights[[names.index("width")]].copy()
        return named

    @property
    def num_variables(self) -> int:
        return len(self.variables)

    @property
    def num_patterns(self) -> int:
        return int(self.patterns.shape[0])

    def weights_from_sample(self, sample: Mapping[str, int] | np.ndarray) -> np.ndarray:
        """Flat int8 weights from a ±1 sample given as a mapping name -> value or an array."""
        if isinstance(sample, Mapping):
            return np.array([sample[name] for name in self.variables], dtype=np.int8)
        return np.asarray(sample, dtype=np.int8)

    def stabilities(
        self,
        weights: np.ndarray,
        patterns: np.ndarray | None = None,
        labels: np.ndarray | None = None,
    ) -> np.ndarray:
        """Δ_μ = y_μ · output_μ on the training set (or on the given patterns and labels)."""
        if patterns is None:
            patterns, labels = self.patterns, self.labels
        return np.asarray(labels, dtype=np.float64) * self.outputs(weights, patterns)

    def energy(self, weights: np.ndarray) -> np.ndarray | float:
        """Training loss Σ_μ loss(Δ_μ): a float, or one per row of a batch."""
        losses = pattern_losses(
            self.stabilities(weights), self.loss, margin=self.margin, fan_in=self.fan_in
        )
        total = losses.sum(axis=-1)
        return float(total) if np.ndim(total) == 0 else total

    def predict(self, weights: np.ndarray, patterns: np.ndarray) -> np.ndarray:
        """±1 predictions (ties broken to +1)."""
        return sign(self.outputs(weights, patterns))

    def errors(
        self,
        weights: np.ndarray,
        patterns: np.ndarray | None = None,
        labels: np.ndarray | None = None,
    ) -> np.ndarray | int:
        """Number of patterns with Δ_μ ≤ 0 (training set unless patterns are given)."""
        wrong = (self.stabilities(weights, patterns, labels) <= 0).sum(axis=-1)
        return int(wrong) if np.ndim(wrong) == 0 else wrong

    def accuracy(
        self,
        weights: np.ndarray,
        patterns: np.ndarray | None = None,
        labels: np.ndarray | None = None,
    ) -> np.ndarray | float:
        """Share of patterns with Δ_μ > 0; 1 − errors/P."""
        count = self.num_patterns if patterns is None else len(patterns)
        if count == 0:
            return float("nan")
        return 1.0 - self.errors(weights, patterns, labels) / count

    def _check_weights(self, weights: np.ndarray) -> np.ndarray:
        weights = np.asarray(weights)
        if weights.shape[-1] != self.num_variables:
            raise ValueError(
                f"weights have {weights.shape[-1]} entries; this model has {self.num_variables}"
            )
        return weights.astype(np.float64)
