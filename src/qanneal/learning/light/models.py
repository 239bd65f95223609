"""Models with real-valued weights for gradient descent, and their binary counterparts.

Every model here has a flat real parameter vector and a :class:`~qanneal.models.BinaryModel`
(``binary_model``) over the same variables, so the signs of the trained weights can be
scored on the same energy as SA/PIMC results (:meth:`GradientModel.binarise`).

- :class:`LogisticNeuron` — one neuron p = σ(w·x + b) trained on the cross-entropy
  (logistic regression); σ is the logistic sigmoid or any LIGHT activation. Its binary
  counterpart is the perceptron with the same inputs and bias, which predicts
  sign(w·x + b) — the same decision rule as the sigmoid neuron (p ≥ 1/2).
- :class:`LatentModel` — the perceptron or BiNN of :mod:`qanneal.models` with real
  *latent* weights h, trained on one of the stability losses of
  :mod:`qanneal.models.losses`. Two forward passes:

  * ``forward="real"`` (default): the network runs with the real weights h. For a
    perceptron the gradient is exact. BiNN hidden units stay sign units (as in the
    binary model); their gradient is the straight-through estimator (Hubara et al.
    2016): d sign(a)/da is replaced by 1{|a| ≤ 1}, with the pre-activation a divided by
    √(fan-in of the unit) so the window does not depend on the layer width. (The
    rescaling does not change any sign, so the forward pass is exactly the binary
    model's ``outputs`` evaluated at real weights.)
  * ``forward="binary"`` (BinaryConnect, Courbariaux et al. 2015): the network runs
    with sign(h), and the gradient reaches h straight through, d sign(h)/dh → 1{|h| ≤ 1}.

  The loss ``errors`` has zero gradient almost everywhere and is refused.

Example:
    >>> import numpy as np
    >>> neuron = LogisticNeuron(2, np.array([[1.0, 0.0]]), np.array([1], dtype=np.int8))
    >>> loss, grad = neuron.loss_and_grad(np.zeros(3), neuron.x_train, neuron.y_train)
    >>> round(loss, 6), grad.tolist()   # ln 2; −(1 − σ(0))·x̃ = −½·(1, 0, 1)
    (0.693147, [-0.5, 0.0, -0.5])
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np

from qanneal.errors import TrainingError
from qanneal.learning.light.neuron import LightParams, light, light_derivative
from qanneal.models import BinaryModel, BinaryNeuralNetwork, BinaryPerceptron, sign
from qanneal.models.losses import LOSSES, pattern_losses

DIFFERENTIABLE_LOSSES: tuple[str, ...] = tuple(name for name in LOSSES if name != "errors")
FORWARDS: tuple[str, ...] = ("real", "binary")


def loss_derivative(
    stabilities: np.ndarray, name: str, *, margin: float = 0.0, fan_in: int = 1
) -> np.ndarray:
    """d loss/dΔ of :func:`~qanneal.models.losses.pattern_losses`, elementwise.

    At the kinks (Δ = 0 for perclinear, Δ = κ for hinge) the one-sided value of the
    Δ > kink side is used.

    >>> loss_derivative(np.array([-1.0, 2.0]), "hinge", margin=1.0).tolist()
    [-1.0, 0.0]
    """
    delta = np.asarray(stabilities, dtype=np.float64)
    scale = math.sqrt(fan_in)
    if name == "errors":
        return np.zeros_like(delta)
    if name == "perclinear":
        return np.where(delta <= 0, -1.0 / scale, 0.0)
    if name == "hinge":
        return np.where(delta < margin, -1.0, 0.0)
    if name == "quadratic":
        return 2.0 * (delta - margin) / fan_in
    if name == "bce":
        # d/dΔ softplus(−Δ/s) = −σ(−Δ/s)/s, with σ(u) = (1 + tanh(u/2))/2 (no overflow)
        return -0.5 * (1.0 + np.tanh(-delta / (2.0 * scale))) / scale
    raise TrainingError(f"unknown loss {name!r}; use one of {', '.join(LOSSES)}")


class GradientModel(ABC):
    """Real parameters, a loss with its gradient, predictions, and a binary counterpart."""

    binary_model: BinaryModel
    loss_name: str

    @property
    def num_params(self) -> int:
        return self.binary_model.num_variables

    @property
    def x_train(self) -> np.ndarray:
        return self.binary_model.patterns

    @property
    def y_train(self) -> np.ndarray:
        return self.binary_model.labels

    @abstractmethod
    def pattern_losses(self, params: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Loss of each pattern (shape (P,)) for one parameter vector."""

    @abstractmethod
    def loss_and_grad(
        self, params: np.ndarray, x: np.ndarray, y: np.ndarray
    ) -> tuple[float, np.ndarray]:
        """(sum of the pattern losses, its gradient in ``params``) on a batch."""

    @abstractmethod
    def predict(self, params: np.ndarray, x: np.ndarray) -> np.ndarray:
        """±1 predictions (int8) of the real-weight model."""

    def accuracy(self, params: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
        """Share of patterns predicted correctly (NaN with no patterns)."""
        return float(np.mean(self.predict(params, x) == y)) if len(x) else math.nan

    def binarise(self, params: np.ndarray) -> np.ndarray:
        """±1 weights (int8, ``binary_model`` order): the signs, with sign(0) = +1."""
        return sign(params)


class LogisticNeuron(GradientModel):
    """One neuron p = σ(w·x + b), cross-entropy loss; σ = sigmoid or a LIGHT activation.

    Parameters are ``[w_1 … w_N, b]`` (without ``b`` if ``bias=False``), the layout of
    the :class:`~qanneal.models.BinaryPerceptron` that scores their signs.
    """

    def __init__(
        self,
        num_inputs: int,
        patterns: np.ndarray,
        labels: np.ndarray,
        *,
        bias: bool = True,
        activation: LightParams | None = None,
    ) -> None:
        self.binary_model: BinaryPerceptron = BinaryPerceptron(
            num_inputs, patterns, labels, bias=bias
        )
        self.activation = activation
        self.loss_name = "cross-entropy"

    def _logits(self, params: np.ndarray, x: np.ndarray) -> np.ndarray:
        return self.binary_model.outputs(params, x)

    def probabilities(self, params: np.ndarray, x: np.ndarray) -> np.ndarray:
        """p(y = +1 | x) of each pattern."""
        z = self._logits(params, x)
        if self.activation is None:
            return 0.5 * (1.0 + np.tanh(0.5 * z))
        return light(z, self.activation)

    def pattern_losses(self, params: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        z = self._logits(params, x)
        if self.activation is None:
            return np.logaddexp(0.0, -np.asarray(y, dtype=np.float64) * z)
        p = np.clip(light(z, self.activation), 1e-300, 1.0 - 1e-16)
        return np.where(y > 0, -np.log(p), -np.log1p(-p))

    def loss_and_grad(
        self, params: np.ndarray, x: np.ndarray, y: np.ndarray
    ) -> tuple[float, np.ndarray]:
        features = self.binary_model.augmented(x)
        z = features @ np.asarray(params, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if self.activation is None:
            losses = np.logaddexp(0.0, -y * z)
            dloss_dz = -y * 0.5 * (1.0 + np.tanh(-0.5 * y * z))  # −y σ(−y z)
        else:
            p = np.clip(light(z, self.activation), 1e-300, 1.0 - 1e-16)
            target = (y + 1.0) / 2.0
            losses = np.where(y > 0, -np.log(p), -np.log1p(-p))
            dloss_dz = (p - target) / (p * (1.0 - p)) * light_derivative(z, self.activation)
        return float(losses.sum()), dloss_dz @ features

    def predict(self, params: np.ndarray, x: np.ndarray) -> np.ndarray:
        return np.where(self.probabilities(params, x) >= 0.5, 1, -1).astype(np.int8)


class LatentModel(GradientModel):
    """A qanneal perceptron or BiNN with real latent weights (see the module docstring)."""

    def __init__(
        self, binary_model: BinaryModel, *, loss: str | None = None, forward: str = "real"
    ) -> None:
        if not isinstance(binary_model, BinaryPerceptron | BinaryNeuralNetwork):
            raise TrainingError(
                f"gradient training needs a perceptron or a BiNN, not {type(binary_model)}"
            )
        if getattr(binary_model, "choices", ()):
            raise TrainingError(
                "gradient training does not support model.choices (augmented choice "
                "variables); remove model.choices"
            )
        loss = binary_model.loss if loss is None else loss
        if loss not in DIFFERENTIABLE_LOSSES:
            raise TrainingError(
                f"loss {loss!r} cannot be trained by gradient descent (zero gradient almost "
                f"everywhere or unknown); use one of {', '.join(DIFFERENTIABLE_LOSSES)}"
            )
        if forward not in FORWARDS:
            raise TrainingError(f"forward = {forward!r} is unknown; use 'real' or 'binary'")
        self.binary_model = binary_model
        self.loss_name = loss
        self.forward = forward

    def _effective(self, params: np.ndarray) -> np.ndarray:
        params = np.asarray(params, dtype=np.float64)
        return np.where(params >= 0, 1.0, -1.0) if self.forward == "binary" else params

    def _stabilities(self, params: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.asarray(y, dtype=np.float64) * self.binary_model.outputs(
            self._effective(params), x
        )

    def pattern_losses(self, params: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        model = self.binary_model
        return pattern_losses(
            self._stabilities(params, x, y),
            self.loss_name,
            margin=model.margin,
            fan_in=model.fan_in,
        )

    def predict(self, params: np.ndarray, x: np.ndarray) -> np.ndarray:
        return sign(self.binary_model.outputs(self._effective(params), x))

    def loss_and_grad(
        self, params: np.ndarray, x: np.ndarray, y: np.ndarray
    ) -> tuple[float, np.ndarray]:
        weights = self._effective(params)
        if isinstance(self.binary_model, BinaryPerceptron):
            features = self.binary_model.augmented(x)
            delta = np.asarray(y, dtype=np.float64) * (features @ weights)
            grad = (self._dloss(delta) * y) @ features
        else:
            delta, grad = self._binn_backward(weights, np.asarray(x, dtype=np.float64), y)
        if self.forward == "binary":  # straight through sign(h): 1{|h| ≤ 1}
            grad = grad * (np.abs(np.asarray(params)) <= 1.0)
        losses = pattern_losses(
            delta, self.loss_name, margin=self.binary_model.margin, fan_in=self.binary_model.fan_in
        )
        return float(losses.sum()), grad

    def _dloss(self, delta: np.ndarray) -> np.ndarray:
        model = self.binary_model
        return loss_derivative(delta, self.loss_name, margin=model.margin, fan_in=model.fan_in)

    def _binn_backward(
        self, weights: np.ndarray, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Stabilities and the straight-through gradient of a BiNN at real weights."""
        net = self.binary_model
        assert isinstance(net, BinaryNeuralNetwork)
        layers = net.layers(weights)
        inputs, scaled = [x], []
        h = x
        for matrix, bias in layers[:-1]:
            scale = math.sqrt(matrix.shape[1] + (0 if bias is None else 1))
            pre = h @ matrix.T + (0.0 if bias is None else bias)
            scaled.append(pre / scale)
            h = np.where(pre >= 0, 1.0, -1.0)
            inputs.append(h)
        v, c = layers[-1]
        delta = np.asarray(y, dtype=np.float64) * ((h @ v.T)[:, 0] + (0.0 if c is None else c))
        d_out = self._dloss(delta) * y  # d loss / d output, per pattern
        grad = np.zeros(net.num_variables)
        blocks = net.blocks
        grad[blocks[-1][0]] = d_out @ h
        if blocks[-1][1] is not None:
            grad[blocks[-1][1]] = d_out.sum()
        d_h = np.outer(d_out, v[0])
        for index in range(len(layers) - 2, -1, -1):
            matrix, bias = layers[index]
            scale = math.sqrt(matrix.shape[1] + (0 if bias is None else 1))
            d_pre = d_h * (np.abs(scaled[index]) <= 1.0) / scale  # straight-through sign
            w_slice, b_slice = blocks[index]
            grad[w_slice] = (d_pre.T @ inputs[index]).ravel()
            if b_slice is not None:
                grad[b_slice] = d_pre.sum(axis=0)
            d_h = d_pre @ matrix
        return delta, grad


def latent_model(
    binary_model: BinaryModel, *, loss: str | None = None, forward: str = "real"
) -> LatentModel:
    """The latent-weight model of a qanneal perceptron/BiNN; ``loss`` defaults to the
    model's own loss, and to ``"bce"`` when that is ``"errors"`` (no gradient).

    >>> p = BinaryPerceptron(3, np.ones((2, 3)), np.array([1, -1]))
    >>> latent_model(p).loss_name
    'bce'
    """
    if loss is None and binary_model.loss == "errors":
        loss = "bce"
    return LatentModel(binary_model, loss=loss, forward=forward)
