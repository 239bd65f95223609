"""The binary perceptron: N weights w_i = ±1 and an optional bias b = ±1.

output_μ = Σ_i ξ_iμ w_i (+ b); stability Δ_μ = σ_μ · output_μ. With odd N (N+1 with a
bias), ±1 patterns never give a tie.

Example:
    >>> import numpy as np
    >>> model = BinaryPerceptron(3, np.array([[1, 1, -1], [1, -1, -1]]), np.array([1, -1]))
    >>> model.errors(np.array([1, 1, 1], dtype=np.int8))
    0
    >>> model.stabilities(np.array([1, -1, 1], dtype=np.int8)).tolist()
    [-1.0, -1.0]
    >>> model.variables
    ['w[0]', 'w[1]', 'w[2]']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qanneal.models.base import BinaryModel


class BinaryPerceptron(BinaryModel):
    """A binary perceptron on a training set with one of the losses in ``losses``."""

    def __init__(
        self,
        num_inputs: int,
        patterns: np.ndarray | None = None,
        labels: np.ndarray | None = None,
        *,
        bias: bool = False,
        loss: str = "errors",
        margin: float = 0.0,
        choices: Sequence[str] = (),
    ) -> None:
        super().__init__(num_inputs, patterns, labels, loss=loss, margin=margin, choices=choices)
        self.bias = bool(bias)
        self._variables = [f"w[{i}]" for i in range(num_inputs)] + (["b"] if bias else [])
        self._variables += self.choice_variables

    @property
    def variables(self) -> list[str]:
        return list(self._variables)

    @property
    def fan_in(self) -> int:
        return self.num_inputs + int(self.bias)

    def augmented(self, patterns: np.ndarray | None = None) -> np.ndarray:
        """Patterns with a column of ones appended for the bias (if any): (P, num_variables)."""
        patterns = self.patterns if patterns is None else np.asarray(patterns, dtype=np.float64)
        if not self.bias:
            return patterns
        return np.hstack([patterns, np.ones((patterns.shape[0], 1))])

    def outputs(self, weights: np.ndarray, patterns: np.ndarray | None = None) -> np.ndarray:
        weights = self._check_weights(weights)
        linear = weights[..., : self.fan_in] @ self.augmented(patterns).T
        return self.activate(linear, weights)

    def decode(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        weights = np.asarray(weights, dtype=np.int8)
        named = {"w": weights[: self.num_inputs].copy()}
        if self.bias:
            named["b"] = weights[self.num_inputs : self.fan_in].copy()
        return named | self.decode_choices(weights)
