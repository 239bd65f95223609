"""Gradient optimisers in numpy: SGD, Adam and Adagrad, with their textbook update rules.

Each optimiser keeps its state per parameter entry, so one instance updates a whole
stack of replicas (an array of shape (M, n)) exactly as M independent optimisers
would. ``step(params, grad)`` returns the new parameters and never changes its inputs.

================  ===================================================================
SGD               w ← w − η g  (with momentum μ: v ← μ v + g, w ← w − η v)
Adam              m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  m̂ = m/(1−β1^t),
(Kingma–Ba 2015)  v̂ = v/(1−β2^t);  w ← w − η m̂ / (√v̂ + ε)
Adagrad           G ← G + g²;  w ← w − η g / (√G + ε)
(Duchi et al.)
================  ===================================================================

Defaults are PyTorch's (η = 0.01 for SGD, 0.001 for Adam with β = (0.9, 0.999),
ε = 1e-8; η = 0.01 for Adagrad with ε = 1e-10): the paper trains "with the default
parameters".

Example:
    >>> import numpy as np
    >>> opt = make_optimizer("sgd", lr=0.5)
    >>> opt.step(np.array([2.0]), np.array([2.0])).tolist()
    [1.0]
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from qanneal.errors import TrainingError

OPTIMIZERS: tuple[str, ...] = ("sgd", "adam", "adagrad")


def _positive(name: str, value: Any, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise TrainingError(f"optimiser parameter {name} = {value!r} must be a number")
    ok = value >= 0 if allow_zero else value > 0
    if not (math.isfinite(value) and ok):
        rule = ">= 0" if allow_zero else "> 0"
        raise TrainingError(f"optimiser parameter {name} = {value!r} must be finite and {rule}")
    return float(value)


def _unit(name: str, value: Any) -> float:
    value = _positive(name, value, allow_zero=True)
    if value >= 1:
        raise TrainingError(f"optimiser parameter {name} = {value!r} must be in [0, 1)")
    return value


class Optimizer(ABC):
    """An optimiser: ``step(params, grad)`` returns new parameters; ``lr`` is η."""

    name: str = ""

    def __init__(self, lr: float) -> None:
        self.lr = _positive("lr", lr)
        self.steps = 0

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """One update; ``grad`` has the shape of ``params``."""
        params = np.asarray(params, dtype=np.float64)
        grad = np.asarray(grad, dtype=np.float64)
        if grad.shape != params.shape:
            raise TrainingError(
                f"gradient of shape {grad.shape} does not match parameters {params.shape}"
            )
        self.steps += 1
        return params - self._direction(grad)

    @abstractmethod
    def _direction(self, grad: np.ndarray) -> np.ndarray:
        """The step to subtract (η times the preconditioned gradient)."""


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with heavy-ball momentum μ.

    >>> SGD(lr=0.1, momentum=0.9).step(np.zeros(2), np.ones(2)).tolist()
    [-0.1, -0.1]
    """

    name = "sgd"

    def __init__(self, lr: float = 0.01, momentum: float = 0.0) -> None:
        super().__init__(lr)
        self.momentum = _unit("momentum", momentum)
        self.velocity: np.ndarray | None = None

    def _direction(self, grad: np.ndarray) -> np.ndarray:
        if self.momentum == 0.0:
            return self.lr * grad
        self.velocity = grad if self.velocity is None else self.momentum * self.velocity + grad
        return self.lr * self.velocity


class Adam(Optimizer):
    """Adam with bias correction (Kingma & Ba 2015, Algorithm 1).

    The first step moves every entry by about η, whatever the gradient's scale:

    >>> Adam(lr=0.001).step(np.zeros(2), np.array([5.0, -0.01])).round(6).tolist()
    [-0.001, 0.001]
    """

    name = "adam"

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        self.beta1 = _unit("beta1", beta1)
        self.beta2 = _unit("beta2", beta2)
        self.eps = _positive("eps", eps)
        self.m: np.ndarray | None = None
        self.v: np.ndarray | None = None

    def _direction(self, grad: np.ndarray) -> np.ndarray:
        if self.m is None or self.v is None:
            self.m = np.zeros_like(grad)
            self.v = np.zeros_like(grad)
        self.m = self.beta1 * self.m + (1.0 - self.beta1) * grad
        self.v = self.beta2 * self.v + (1.0 - self.beta2) * grad**2
        m_hat = self.m / (1.0 - self.beta1**self.steps)
        v_hat = self.v / (1.0 - self.beta2**self.steps)
        return self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class Adagrad(Optimizer):
    """Adagrad (Duchi, Hazan & Singer 2011): per-entry steps η/√(Σ g²).

    >>> Adagrad(lr=0.1).step(np.zeros(1), np.array([3.0])).round(6).tolist()
    [-0.1]
    """

    name = "adagrad"

    def __init__(
        self, lr: float = 0.01, eps: float = 1e-10, initial_accumulator: float = 0.0
    ) -> None:
        super().__init__(lr)
        self.eps = _positive("eps", eps)
        self.initial_accumulator = _positive(
            "initial_accumulator", initial_accumulator, allow_zero=True
        )
        self.accumulator: np.ndarray | None = None

    def _direction(self, grad: np.ndarray) -> np.ndarray:
        if self.accumulator is None:
            self.accumulator = np.full_like(grad, self.initial_accumulator)
        self.accumulator = self.accumulator + grad**2
        return self.lr * grad / (np.sqrt(self.accumulator) + self.eps)


_CLASSES: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam, "adagrad": Adagrad}


def make_optimizer(name: str, **params: Any) -> Optimizer:
    """A fresh optimiser by name (:data:`OPTIMIZERS`) with keyword parameters.

    >>> make_optimizer("adam").lr, make_optimizer("adagrad").lr
    (0.001, 0.01)
    """
    if name not in _CLASSES:
        raise TrainingError(f"optimiser {name!r} is unknown; use one of {', '.join(OPTIMIZERS)}")
    try:
        return _CLASSES[name](**params)
    except TypeError as error:
        raise TrainingError(f"optimiser {name!r}: {error}") from None


def default_lr(name: str) -> float:
    """The default learning rate of an optimiser.

    >>> default_lr("sgd")
    0.01
    """
    return make_optimizer(name).lr
