"""SGD, Adam and Adagrad: the textbook update rules step by step, and convergence on a
quadratic."""

from __future__ import annotations

import numpy as np
import pytest

from qanneal.errors import TrainingError
from qanneal.learning.light.optim import OPTIMIZERS, Adagrad, Adam, make_optimizer

# f(w) = ½ (w − w*)ᵀ A (w − w*), an ill-conditioned convex quadratic
A = np.array([[3.0, 0.5], [0.5, 1.0]])
W_STAR = np.array([1.0, -2.0])


def grad(w: np.ndarray) -> np.ndarray:
    return (w - W_STAR) @ A


def test_sgd_is_w_minus_lr_g_and_momentum_is_heavy_ball() -> None:
    w = np.array([0.3, 0.4])
    np.testing.assert_allclose(make_optimizer("sgd", lr=0.1).step(w, grad(w)), w - 0.1 * grad(w))
    opt = make_optimizer("sgd", lr=0.1, momentum=0.9)
    w1 = opt.step(w, grad(w))
    w2 = opt.step(w1, grad(w1))
    np.testing.assert_allclose(w2, w1 - 0.1 * (0.9 * grad(w) + grad(w1)))


def test_adam_matches_algorithm_1() -> None:
    opt = Adam(lr=0.01, beta1=0.8, beta2=0.9, eps=1e-6)
    w = np.array([0.3, 0.4])
    m = v = np.zeros(2)
    expected = w.copy()
    for t in range(1, 6):
        g = grad(expected)
        m = 0.8 * m + 0.2 * g
        v = 0.9 * v + 0.1 * g * g
        expected = expected - 0.01 * (m / (1 - 0.8**t)) / (np.sqrt(v / (1 - 0.9**t)) + 1e-6)
        w = opt.step(w, grad(w))
        np.testing.assert_allclose(w, expected, rtol=1e-14)


def test_adagrad_matches_duchi() -> None:
    opt = Adagrad(lr=0.5, eps=1e-10, initial_accumulator=0.1)
    w = np.array([0.3, 0.4])
    total = np.full(2, 0.1)
    expected = w.copy()
    for _ in range(5):
        g = grad(expected)
        total = total + g * g
        expected = expected - 0.5 * g / (np.sqrt(total) + 1e-10)
        w = opt.step(w, grad(w))
        np.testing.assert_allclose(w, expected, rtol=1e-14)


@pytest.mark.parametrize(
    "name, params, steps",
    [("sgd", {"lr": 0.2}, 400), ("adam", {"lr": 0.05}, 2000), ("adagrad", {"lr": 0.5}, 2000)],
)
def test_converges_on_a_quadratic(name: str, params: dict[str, float], steps: int) -> None:
    opt = make_optimizer(name, **params)
    w = np.zeros(2)
    for _ in range(steps):
        w = opt.step(w, grad(w))
    np.testing.assert_allclose(w, W_STAR, atol=1e-4)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_one_optimizer_on_a_stack_equals_independent_ones(name: str) -> None:
    rng = np.random.default_rng(0)
    stack = rng.normal(size=(3, 2))
    together = make_optimizer(name)
    alone = [make_optimizer(name) for _ in range(3)]
    rows = [stack[k].copy() for k in range(3)]
    for _ in range(4):
        stack = together.step(stack, np.stack([grad(w) for w in stack]))
        rows = [opt.step(w, grad(w)) for opt, w in zip(alone, rows, strict=True)]
    np.testing.assert_allclose(stack, np.stack(rows), rtol=1e-14)


def test_defaults_and_step_leaves_inputs_alone() -> None:
    assert (make_optimizer("sgd").lr, make_optimizer("adam").lr, make_optimizer("adagrad").lr) == (
        0.01,
        0.001,
        0.01,
    )
    w, g = np.ones(2), np.ones(2)
    make_optimizer("adam").step(w, g)
    assert w.tolist() == [1.0, 1.0] and g.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    "name, params, message",
    [
        ("rmsprop", {}, "unknown"),
        ("sgd", {"lr": 0.0}, "lr"),
        ("sgd", {"lr": float("nan")}, "lr"),
        ("adam", {"beta1": 1.0}, "beta1"),
        ("adagrad", {"eps": -1.0}, "eps"),
        ("sgd", {"nesterov": True}, "nesterov"),
    ],
)
def test_bad_settings_are_errors(name: str, params: dict[str, object], message: str) -> None:
    with pytest.raises(TrainingError, match=message):
        make_optimizer(name, **params)


def test_shape_mismatch_is_an_error() -> None:
    with pytest.raises(TrainingError, match="does not match"):
        make_optimizer("sgd").step(np.zeros(2), np.zeros(3))
