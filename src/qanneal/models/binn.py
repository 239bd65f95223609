"""Binary neural network: inputs → hidden layers → one output, every weight and bias ±1.

Hidden unit j of layer l computes h_j = sign(Σ_i W_l[j,i] h_i (+ b_l[j])) with the tie
rule sign(0) = +1 (deterministic, so a network is a function). The output unit is
linear, output = Σ_j V[j] h_j (+ c); the stability Δ_μ = y_μ · output_μ feeds the same
losses as the perceptron, normalised by the output fan-in H_L (+1 with a bias).

Variables are named ``W1[j,i]``, ``b1[j]``, ``W2[k,j]``, …, ``V[j]``, ``c`` and laid out
in that order (each matrix row-major).

Augmented choice variables (``choices``) follow the weights: ``act`` (``"activation"``,
see :mod:`qanneal.models.base`), one mask ``mask[j]`` per unit of the last hidden layer
(``"dropout"``: unit j feeds the output only when mask[j] = +1) and ``width``
(``"width"``: the last hidden unit is present only when width = +1, so the layer has
H or H − 1 units). A removed unit contributes 0 to the output, so with the choices the
output is Σ_j V[j]·g_j·h_j (+ c) with gates g_j = Π (1 + bit)/2 ∈ {0, 1}.

    >>> net = BinaryNeuralNetwork(1, hidden=[2], bias=False, choices=["dropout", "width"])
    >>> net.variables[2:]
    ['V[0]', 'V[1]', 'mask[0]', 'mask[1]', 'width']
    >>> net.outputs(np.array([1, 1, 1, 1, 1, 1, -1]), np.array([[1.0]])).tolist()
    [1.0]

Example:
    >>> import numpy as np
    >>> net = BinaryNeuralNetwork(2, hidden=[2], bias=False)
    >>> net.variables
    ['W1[0,0]', 'W1[0,1]', 'W1[1,0]', 'W1[1,1]', 'V[0]', 'V[1]']
    >>> net.outputs(np.ones(6, dtype=np.int8), np.array([[1.0, -3.0]])).tolist()
    [-2.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qanneal.models.base import BinaryModel


class BinaryNeuralNetwork(BinaryModel):
    """A fully connected BiNN with sign hidden units and one linear output unit."""

    def __init__(
        self,
        num_inputs: int,
        patterns: np.ndarray | None = None,
        labels: np.ndarray | None = None,
        *,
        hidden: Sequence[int],
        bias: bool = True,
        loss: str = "errors",
        margin: float = 0.0,
        choices: Sequence[str] = (),
    ) -> None:
        super().__init__(num_inputs, patterns, labels, loss=loss, margin=margin, choices=choices)
        if len(hidden) == 0 or min(hidden) < 1:
            raise ValueError(f"hidden = {list(hidden)} needs at least one layer of width >= 1")
        self.hidden = [int(width) for width in hidden]
        self.bias = bool(bias)
        self.layer_sizes = np.array([num_inputs, *self.hidden, 1], dtype=np.int64)
        self._variables, self._slices = self._layout()
        self._variables += self.choice_variables

    CHOICES = ("activation", "dropout", "width")

    @property
    def choice_variables(self) -> list[str]:
        names = super().choice_variables
        if "dropout" in self.choices:
            names += [f"mask[{j}]" for j in range(self.hidden[-1])]
        if "width" in self.choices:
            names.append("width")
        return names

    def gates(self, weights: np.ndarray) -> np.ndarray | None:
        """0/1 gate of each last-layer hidden unit, shape (..., H), or None without
        dropout / width choices."""
        if "dropout" not in self.choices and "width" not in self.choices:
            return None
        weights = np.asarray(weights)
        names = self.variables
        gate = np.ones((*weights.shape[:-1], self.hidden[-1]))
        if "dropout" in self.choices:
            first = names.index("mask[0]")
            gate = gate * (weights[..., first : first + self.hidden[-1]] > 0)
        if "width" in self.choices:
            gate[..., -1] *= weights[..., names.index("width")] > 0
        return gate

    def _layout(self) -> tuple[list[str], list[tuple[slice, slice | None]]]:
        names: list[str] = []
        slices: list[tuple[slice, slice | None]] = []
        sizes = self.layer_sizes
        for layer in range(1, len(sizes)):
            rows, cols = int(sizes[layer]), int(sizes[layer - 1])
            out = layer == len(sizes) - 1
            w_name, b_name = ("V", "c") if out else (f"W{layer}", f"b{layer}")
            start = len(names)
            if out:
                names += [f"V[{i}]" for i in range(cols)]
            else:
                names += [f"{w_name}[{j},{i}]" for j in range(rows) for i in range(cols)]
            w_slice = slice(start, len(names))
            b_slice = None
            if self.bias:
                start = len(names)
                names += ["c"] if out else [f"{b_name}[{j}]" for j in range(rows)]
                b_slice = slice(start, len(names))
            slices.append((w_slice, b_slice))
        return names, slices

    @property
    def variables(self) -> list[str]:
        return list(self._variables)

    @property
    def fan_in(self) -> int:
        return self.hidden[-1] + int(self.bias)

    @property
    def blocks(self) -> list[tuple[slice, slice | None]]:
        """(weights, biases) slices of the flat vector per layer; the last is (V, c)."""
        return list(self._slices)

    def layers(self, weights: np.ndarray) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """(W, b) per layer, W of shape (..., out, in); the last layer is (V, c)."""
        weights = self._check_weights(weights)
        batch = weights.shape[:-1]
        result = []
        for layer, (w_slice, b_slice) in enumerate(self._slices, start=1):
            shape = (*batch, int(self.layer_sizes[layer]), int(self.layer_sizes[layer - 1]))
            matrix = weights[..., w_slice].reshape(shape)
            bias = None if b_slice is None else weights[..., b_slice]
            result.append((matrix, bias))
        return result

    def hidden_activations(
        self, weights: np.ndarray, patterns: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """±1 activations of each hidden layer, each of shape (..., P, H_l)."""
        x = self.patterns if patterns is None else np.asarray(patterns, dtype=np.float64)
        activations = []
        h = x
        for matrix, bias in self.layers(weights)[:-1]:
            pre = h @ np.swapaxes(matrix, -1, -2)
            if bias is not None:
                pre = pre + bias[..., None, :]
            h = np.where(pre >= 0, 1.0, -1.0)
            activations.append(h)
        return activations

    def outputs(self, weights: np.ndarray, patterns: np.ndarray | None = None) -> np.ndarray:
        h = self.hidden_activations(weights, patterns)[-1]
        gate = self.gates(weights)
        if gate is not None:
            h = h * gate[..., None, :]
        v, c = self.layers(weights)[-1]
        out = (h @ np.swapaxes(v, -1, -2))[..., 0]
        return self.activate(out if c is None else out + c, weights)

    def decode(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        weights = np.asarray(weights, dtype=np.int8)
        named: dict[str, np.ndarray] = {}
        last = len(self._slices)
        for layer, (w_slice, b_slice) in enumerate(self._slices, start=1):
            rows, cols = int(self.layer_sizes[layer]), int(self.layer_sizes[layer - 1])
            if layer == last:
                named["V"] = weights[w_slice].copy()
                if b_slice is not None:
                    named["c"] = weights[b_slice].copy()
            else:
                named[f"W{layer}"] = weights[w_slice].reshape(rows, cols).copy()
                if b_slice is not None:
                    named[f"b{layer}"] = weights[b_slice].copy()
        return named | self.decode_choices(weights)
