"""Gradient models and replicated gradient descent: finite-difference gradients of every
loss and of the coupling, the exact coupling flow, ρ → ∞ equals plain SGD on the same
batches, reproducibility, and the Problem entry point."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qanneal.errors import TrainingError
from qanneal.learning.light.models import (
    DIFFERENTIABLE_LOSSES,
    LatentModel,
    LogisticNeuron,
    latent_model,
    loss_derivative,
)
from qanneal.learning.light.neuron import LightParams
from qanneal.learning.light.replicas import (
    CouplingPropagator,
    TrainingConfig,
    coupling_energy,
    coupling_gradient,
    coupling_laplacian,
    train_problem,
    train_replicas,
)
from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron
from qanneal.models.datasets import synthetic2d
from qanneal.models.losses import pattern_losses
from qanneal.problem import problem_from_dict


def numeric_gradient(f, w: np.ndarray, h: float = 1e-6) -> np.ndarray:  # type: ignore[no-untyped-def]
    grad = np.zeros_like(w)
    for i in range(len(w)):
        step = np.zeros_like(w)
        step[i] = h
        grad[i] = (f(w + step) - f(w - step)) / (2 * h)
    return grad


@pytest.fixture
def data2d():  # type: ignore[no-untyped-def]
    return synthetic2d(60, seed=4)


@pytest.mark.parametrize("name", DIFFERENTIABLE_LOSSES)
def test_loss_derivative_matches_finite_differences(name: str) -> None:
    delta = np.array([-2.3, -0.7, 0.4, 1.9, 3.1])
    h = 1e-6
    numeric = (
        pattern_losses(delta + h, name, margin=1.5, fan_in=7)
        - pattern_losses(delta - h, name, margin=1.5, fan_in=7)
    ) / (2 * h)
    np.testing.assert_allclose(
        loss_derivative(delta, name, margin=1.5, fan_in=7), numeric, rtol=1e-6, atol=1e-9
    )


@pytest.mark.parametrize(
    "activation",
    [
        None,
        LightParams(),
        LightParams(r=1.5, E=0.0, T=0.0, q=0.5, N0=0.3),
        LightParams(r=1.0, E=0.4, T=0.5, q=1.0, N0=0.4),
    ],
)
def test_neuron_gradient(data2d, activation: LightParams | None) -> None:  # type: ignore[no-untyped-def]
    neuron = LogisticNeuron(2, data2d.x_train, data2d.y_train, activation=activation)
    w = np.array([0.7, -0.4, 0.2])
    x, y = data2d.x_train, data2d.y_train
    loss, grad = neuron.loss_and_grad(w, x, y)
    assert loss == pytest.approx(neuron.pattern_losses(w, x, y).sum(), rel=1e-12)
    f = lambda v: neuron.pattern_losses(v, x, y).sum()  # noqa: E731
    np.testing.assert_allclose(grad, numeric_gradient(f, w), rtol=1e-5, atol=1e-7)


def test_sigmoid_and_default_light_neuron_agree(data2d) -> None:  # type: ignore[no-untyped-def]
    x, y = data2d.x_train, data2d.y_train
    w = np.array([0.3, 1.1, -0.2])
    plain = LogisticNeuron(2, x, y).loss_and_grad(w, x, y)
    light = LogisticNeuron(2, x, y, activation=LightParams()).loss_and_grad(w, x, y)
    assert light[0] == pytest.approx(plain[0], rel=1e-12)
    np.testing.assert_allclose(light[1], plain[1], rtol=1e-10)


@pytest.mark.parametrize("loss", DIFFERENTIABLE_LOSSES)
@pytest.mark.parametrize("bias", [False, True])
def test_latent_perceptron_gradient(loss: str, bias: bool) -> None:
    rng = np.random.default_rng(1)
    x = np.where(rng.random((20, 5)) < 0.5, -1.0, 1.0)
    y = np.where(rng.random(20) < 0.5, -1, 1).astype(np.int8)
    model = LatentModel(BinaryPerceptron(5, x, y, bias=bias, loss=loss, margin=0.5))
    w = rng.normal(size=model.num_params)
    value, grad = model.loss_and_grad(w, x, y)
    f = lambda v: model.pattern_losses(v, x, y).sum()  # noqa: E731
    assert value == pytest.approx(f(w), rel=1e-12)
    np.testing.assert_allclose(grad, numeric_gradient(f, w), rtol=1e-5, atol=1e-7)


def binn_setup(bias: bool, loss: str = "bce") -> tuple[LatentModel, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(15, 3))
    y = np.where(rng.random(15) < 0.5, -1, 1).astype(np.int8)
    net = BinaryNeuralNetwork(3, x, y, hidden=[4, 3], bias=bias, loss=loss)
    return LatentModel(net), x, y


@pytest.mark.parametrize("loss", DIFFERENTIABLE_LOSSES)
@pytest.mark.parametrize("bias", [False, True])
def test_latent_binn_output_layer_gradient_is_exact(loss: str, bias: bool) -> None:
    model, x, y = binn_setup(bias, loss)
    w = np.random.default_rng(3).normal(size=model.num_params)
    _, grad = model.loss_and_grad(w, x, y)
    f = lambda v: model.pattern_losses(v, x, y).sum()  # noqa: E731
    net = model.binary_model
    assert isinstance(net, BinaryNeuralNetwork)
    out = np.r_[
        np.arange(model.num_params)[net.blocks[-1][0]],
        [] if net.blocks[-1][1] is None else np.arange(model.num_params)[net.blocks[-1][1]],
    ]
    np.testing.assert_allclose(
        grad[out.astype(int)], numeric_gradient(f, w)[out.astype(int)], rtol=1e-5, atol=1e-7
    )


def test_latent_binn_straight_through_gradient_by_hand() -> None:
    """Hidden-layer gradient against a per-pattern loop of the documented STE rule."""
    model, x, y = binn_setup(True)
    net = model.binary_model
    assert isinstance(net, BinaryNeuralNetwork)
    w = np.random.default_rng(4).normal(scale=0.5, size=model.num_params)
    (w1, b1), (w2, b2), (v, c) = net.layers(w)
    expected = np.zeros(model.num_params)
    for xi, yi in zip(x, y, strict=True):
        a1 = (w1 @ xi + b1) / math.sqrt(4)
        h1 = np.where(a1 >= 0, 1.0, -1.0)
        a2 = (w2 @ h1 + b2) / math.sqrt(5)
        h2 = np.where(a2 >= 0, 1.0, -1.0)
        delta = yi * (v[0] @ h2 + c[0])
        g_out = loss_derivative(np.array(delta), "bce", fan_in=4) * yi
        g_v, g_c = g_out * h2, g_out
        g_a2 = g_out * v[0] * (np.abs(a2) <= 1) / math.sqrt(5)
        g_w2, g_b2 = np.outer(g_a2, h1), g_a2
        g_a1 = (g_a2 @ w2) * (np.abs(a1) <= 1) / math.sqrt(4)
        g_w1, g_b1 = np.outer(g_a1, xi), g_a1
        expected += np.r_[g_w1.ravel(), g_b1, g_w2.ravel(), g_b2, g_v, g_c]
    np.testing.assert_allclose(model.loss_and_grad(w, x, y)[1], expected, rtol=1e-12, atol=1e-15)


def test_latent_forward_agrees_with_the_binary_model_at_signs() -> None:
    model, x, y = binn_setup(True)
    w = np.random.default_rng(5).normal(size=model.num_params)
    signs = model.binarise(w)
    binary = LatentModel(model.binary_model, forward="binary")
    np.testing.assert_array_equal(binary.predict(w, x), model.binary_model.predict(signs, x))
    value, grad = binary.loss_and_grad(w, x, y)
    assert value == pytest.approx(binary.pattern_losses(w, x, y).sum())
    assert np.all(grad[np.abs(w) > 1] == 0)  # straight through only inside |h| <= 1


def test_errors_loss_is_refused_and_defaults_to_bce() -> None:
    p = BinaryPerceptron(3, np.ones((2, 3)), np.array([1, -1]))
    with pytest.raises(TrainingError, match="zero gradient"):
        LatentModel(p, loss="errors")
    assert latent_model(p).loss_name == "bce"
    with pytest.raises(TrainingError, match="forward"):
        LatentModel(p, loss="hinge", forward="ternary")


@pytest.mark.parametrize("topology", ["ring", "centre"])
@pytest.mark.parametrize("replicas", [1, 2, 3, 5])
def test_coupling_gradient_and_laplacian(topology: str, replicas: int) -> None:
    w = np.random.default_rng(6).normal(size=(replicas, 4))
    rho = 1.7
    f = lambda flat: coupling_energy(flat.reshape(replicas, 4), rho, topology)  # noqa: E731
    numeric = numeric_gradient(f, w.ravel()).reshape(replicas, 4)
    np.testing.assert_allclose(coupling_gradient(w, rho, topology), numeric, rtol=1e-6, atol=1e-8)
    lap = coupling_laplacian(replicas, topology)
    assert coupling_energy(w, rho, topology) == pytest.approx(0.5 * rho * np.trace(w.T @ lap @ w))
    if topology == "ring" and replicas > 2:  # the explicit Σ_k ‖w_k − w_{k+1}‖²
        explicit = sum(np.sum((w[k] - w[(k + 1) % replicas]) ** 2) for k in range(replicas))
        assert coupling_energy(w, rho, topology) == pytest.approx(0.5 * rho * explicit)


@pytest.mark.parametrize("topology", ["ring", "centre"])
def test_propagator_is_the_exact_coupling_flow(topology: str) -> None:
    w = np.random.default_rng(7).normal(size=(5, 3))
    amount = 0.8  # η·ρ with ρ = 1: integrate dW/dt = −ρ L W over t ∈ [0, 0.8]
    steps = 20000
    explicit = w.copy()
    for _ in range(steps):
        explicit = explicit - (amount / steps) * coupling_gradient(explicit, 1.0, topology)
    prop = CouplingPropagator(5, topology)
    np.testing.assert_allclose(prop.apply(w, amount), explicit, atol=1e-4)
    np.testing.assert_allclose(prop.apply(w, amount).mean(axis=0), w.mean(axis=0), atol=1e-12)
    np.testing.assert_allclose(prop.apply(w, math.inf), np.tile(w.mean(axis=0), (5, 1)), atol=1e-12)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_infinite_coupling_equals_single_gradient_descent(data2d, optimizer: str) -> None:  # type: ignore[no-untyped-def]
    neuron = LogisticNeuron(2, data2d.x_train, data2d.y_train)
    common = {"epochs": 3, "batch_size": 10, "init": "shared", "optimizer": optimizer, "lr": 0.05}
    single = train_replicas(neuron, data2d, TrainingConfig(replicas=1, **common), seed=9)
    for rho in (math.inf, 1e15):
        many = train_replicas(
            neuron, data2d, TrainingConfig(replicas=4, rho_max=rho, **common), seed=9
        )
        if optimizer == "sgd":
            np.testing.assert_allclose(many.centre, single.centre, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(many.replicas, np.tile(single.centre, (4, 1)), atol=1e-12)
            for a, b in zip(many.epochs, single.epochs, strict=True):
                assert a["centre"]["train_loss"] == pytest.approx(b["centre"]["train_loss"])
                assert a["spread"] == pytest.approx(0.0, abs=1e-12)
        else:  # Adam's per-replica preconditioning makes the mean differ: say so by testing it
            assert not np.allclose(many.centre, single.centre, rtol=1e-9)
    weak = train_replicas(neuron, data2d, TrainingConfig(replicas=4, rho_max=0.0, **common), seed=9)
    assert weak.final["spread"] > 1e-3  # uncoupled replicas drift apart


def test_reproducible_from_seed(data2d) -> None:  # type: ignore[no-untyped-def]
    neuron = LogisticNeuron(2, data2d.x_train, data2d.y_train)
    config = TrainingConfig(replicas=3, epochs=3, mode="growth+harvesting", optimizer="adagrad")
    a = train_replicas(neuron, data2d, config, seed=5)
    b = train_replicas(neuron, data2d, config, seed=5)
    c = train_replicas(neuron, data2d, config, seed=6)
    assert a.epochs == b.epochs
    np.testing.assert_array_equal(a.replicas, b.replicas)
    assert not np.array_equal(a.replicas, c.replicas)


def test_epoch_records(data2d) -> None:  # type: ignore[no-untyped-def]
    neuron = LogisticNeuron(2, data2d.x_train, data2d.y_train)
    config = TrainingConfig(replicas=3, epochs=4, mode="growth", rho_max=2.0, batch_size=8)
    ticks: list[tuple[int, int]] = []
    result = train_replicas(
        neuron, data2d, config, seed=1, progress=lambda d, t: ticks.append((d, t))
    )
    assert ticks == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [e["epoch"] for e in result.epochs] == [0, 1, 2, 3, 4]
    rhos = [e["rho"] for e in result.epochs]
    assert rhos == sorted(rhos) and rhos[0] < 0.01 and rhos[-1] > 1.99
    last = result.final
    for part in ("centre", "best"):
        assert 0 <= last[part]["train_accuracy"] <= 1 and last[part]["test_accuracy"] is not None
    best_losses = [
        float(neuron.pattern_losses(w, data2d.x_train, data2d.y_train).mean())
        for w in result.replicas
    ]
    assert last["best"]["replica"] == int(np.argmin(best_losses))
    signs = result.binary_weights
    assert last["binary"]["train_errors"] == neuron.binary_model.errors(signs)
    assert last["binary"]["energy"] == neuron.binary_model.energy(signs)
    assert result.to_dict()["binary_weights"] == signs.tolist()


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"replicas": 0}, "replicas"),
        ({"epochs": -1}, "epochs"),
        ({"topology": "star"}, "topology"),
        ({"mode": "decay"}, "regulation mode"),
        ({"optimizer": "lbfgs"}, "optimiser"),
        ({"lr": -0.1}, "lr"),
        ({"rho_max": -1.0}, "rho_max"),
        ({"init": "zeros"}, "init"),
        ({"learning": 0.1}, "unknown training setting"),
    ],
)
def test_bad_settings_are_errors(settings: dict[str, object], message: str) -> None:
    problem = problem_from_dict(
        {"model": {"type": "perceptron", "inputs": 5}, "data": {"source": "teacher", "alpha": 1.0}}
    )
    with pytest.raises(TrainingError, match=message):
        train_problem(problem, seed=0, **settings)


@pytest.mark.parametrize(
    "model",
    [
        {"type": "perceptron", "inputs": 11},
        {"type": "binn", "inputs": 6, "hidden": [3], "bias": False},
    ],
)
def test_train_problem_scores_signs_on_the_problem_energy(model: dict[str, object]) -> None:
    problem = problem_from_dict(
        {
            "model": model,
            "data": {"source": "teacher", "alpha": 2.0, "seed": 1, "test_fraction": 0.2},
        }
    )
    result = train_problem(
        problem,
        seed=3,
        replicas=3,
        epochs=20,
        batch_size=5,
        optimizer="adam",
        lr=0.05,
        mode="growth+harvesting",
    )
    final = result.final["binary"]
    assert final["energy"] == problem.model.energy(result.binary_weights)
    assert final["train_errors"] == problem.errors(result.binary_weights)
    assert final["test_accuracy"] == problem.accuracy(result.binary_weights, "test")
    assert result.config["loss"] == "bce" and result.config["mode"] == "growth+harvesting"
    first = result.epochs[0]["centre"]["train_loss"]
    assert result.final["centre"]["train_loss"] < first  # training lowers the loss


def test_gradient_descent_contestants() -> None:
    from qanneal.compare.contestants import get_contestant
    from qanneal.compare.gd import run_gd
    from qanneal.errors import SamplerError

    problem = problem_from_dict(
        {"model": {"type": "perceptron", "inputs": 11}, "data": {"source": "teacher", "alpha": 1.0}}
    )
    reads = get_contestant("replicated-gd")(problem, 4, 3, 1, {"batch_size": 5})
    assert reads.weights.shape == (3, 11) and reads.sweeps == 4
    np.testing.assert_array_equal(reads.energies, problem.model.energy(reads.weights))
    assert reads.spin_updates == 4 * 3 * 11 * 5  # epochs × steps × weights × replicas
    assert len(reads.trace["mean_energy"]) == 4  # type: ignore[index]
    again = get_contestant("replicated-gd")(problem, 4, 3, 1, {"batch_size": 5})
    np.testing.assert_array_equal(again.weights, reads.weights)
    plain = get_contestant("gd")(problem, 2, 1, 1, {})
    assert plain.spin_updates == 2 * 1 * 11
    with pytest.raises(SamplerError, match="replicated-gd"):
        run_gd(problem, 2, 1, 1, {"replicas": 3})
    with pytest.raises(SamplerError, match="epochs"):
        run_gd(problem, 2, 1, 1, {"epochs": 3})
    slack = problem_from_dict(
        {
            "model": {"type": "perceptron", "inputs": 5},
            "data": {"source": "random", "alpha": 0.4},
            "formulation": {"type": "slack"},
        }
    )
    with pytest.raises(SamplerError, match="native"):
        run_gd(slack, 2, 1, 1, {})
