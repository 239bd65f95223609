"""Replicated gradient descent: M coupled copies of the weights, after Kulikovskikh–Legović.

The "classical world" is plain (mini-batch) gradient descent, w ← w − η ∂E/∂w (the
paper's eq. 2). The "quantum world" trains M replicas w_1 … w_M, each on its own share
of every mini-batch, coupled like the Trotter slices of a path integral (Ohzeki et al.
2018; Baldassi–Zecchina 2018) by the energy

    ring:    (ρ(t)/2) Σ_k ‖w_k − w_{k+1}‖²   (k periodic; M = 2 counts the pair twice)
    centre:  (ρ(t)/2) Σ_k ‖w_k − w̄‖²         (w̄ the replicas' mean)

i.e. (ρ/2) tr(Wᵀ L W) with L the graph Laplacian (:func:`coupling_laplacian`). ρ(t) is
constant (mode "none") or ρ_max · LIGHT(t)
(:func:`~qanneal.learning.light.neuron.regulation_schedule`).

One training step (operator splitting, documented choice):

1. each replica k takes one optimiser step on its data loss (M/B)·Σ_{μ∈B_k} ℓ_μ, where
   B_k is the k-th of M near-equal parts of the step's mini-batch B, so that the
   replicas' mean gradient is exactly the mini-batch mean gradient (1/B)Σ_{μ∈B} ∇ℓ_μ;
2. the coupling's gradient flow dW/dt = −ρ L W is integrated *exactly* over a time
   η (the learning rate): W ← exp(−η ρ L) W (:class:`CouplingPropagator`).

Step 2 is unconditionally stable, so ρ → ∞ is allowed: exp(−ηρL) becomes the projection
on the replicas' mean, and with SGD and a shared start the replicas' mean follows plain
mini-batch SGD on the same batches exactly (tested). For small ηρ it agrees with an
explicit gradient step on the coupling energy to O((ηρ)²). The coupling is not
preconditioned by Adam/Adagrad (their steps act on the data gradient only).

Example:
    >>> import numpy as np
    >>> from qanneal.models.datasets import synthetic2d
    >>> from qanneal.learning.light.models import LogisticNeuron
    >>> data = synthetic2d(200, seed=0)
    >>> neuron = LogisticNeuron(2, data.x_train, data.y_train)
    >>> result = train_replicas(neuron, data, TrainingConfig(replicas=3, epochs=10), seed=1)
    >>> len(result.epochs), result.final["centre"]["train_accuracy"] > 0.8
    (11, True)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from qanneal.errors import TrainingError
from qanneal.learning.light.models import GradientModel, latent_model
from qanneal.learning.light.neuron import CouplingSchedule, regulation_schedule
from qanneal.learning.light.optim import default_lr, make_optimizer
from qanneal.models.datasets import Dataset

TOPOLOGIES: tuple[str, ...] = ("ring", "centre")
INITS: tuple[str, ...] = ("independent", "shared")
Progress = Callable[[int, int], None]


def coupling_laplacian(num_replicas: int, topology: str = "ring") -> np.ndarray:
    """L with coupling energy (ρ/2)·tr(Wᵀ L W) for W of shape (M, n).

    >>> coupling_laplacian(3).tolist()
    [[2.0, -1.0, -1.0], [-1.0, 2.0, -1.0], [-1.0, -1.0, 2.0]]
    """
    m = int(num_replicas)
    if topology == "centre":
        return np.eye(m) - np.full((m, m), 1.0 / m)
    if topology != "ring":
        raise TrainingError(f"topology {topology!r} is unknown; use one of {', '.join(TOPOLOGIES)}")
    laplacian = np.zeros((m, m))
    for k in range(m):
        edge = np.zeros(m)
        edge[k] += 1.0
        edge[(k + 1) % m] -= 1.0
        laplacian += np.outer(edge, edge)
    return laplacian


def coupling_energy(replicas: np.ndarray, rho: float, topology: str = "ring") -> float:
    """(ρ/2) Σ_k ‖w_k − w_{k+1}‖² (ring) or (ρ/2) Σ_k ‖w_k − w̄‖² (centre).

    >>> coupling_energy(np.array([[0.0, 0.0], [1.0, 1.0]]), 2.0, "centre")
    1.0
    """
    w = np.asarray(replicas, dtype=np.float64)
    if topology == "centre":
        return float(0.5 * rho * np.sum((w - w.mean(axis=0)) ** 2))
    if topology != "ring":
        raise TrainingError(f"topology {topology!r} is unknown; use one of {', '.join(TOPOLOGIES)}")
    return float(0.5 * rho * np.sum((w - np.roll(w, -1, axis=0)) ** 2))


def coupling_gradient(replicas: np.ndarray, rho: float, topology: str = "ring") -> np.ndarray:
    """Gradient of :func:`coupling_energy` in the replicas: ρ L W.

    >>> coupling_gradient(np.array([[0.0], [1.0]]), 1.0, "centre").tolist()
    [[-0.5], [0.5]]
    """
    w = np.asarray(replicas, dtype=np.float64)
    return rho * coupling_laplacian(len(w), topology) @ w


class CouplingPropagator:
    """Exact flow of the coupling: W ← exp(−a L) W, with a = η·ρ (a = inf: the mean).

    >>> prop = CouplingPropagator(2, "ring")
    >>> prop.apply(np.array([[0.0], [2.0]]), math.inf).round(12).tolist()
    [[1.0], [1.0]]
    """

    def __init__(self, num_replicas: int, topology: str = "ring") -> None:
        laplacian = coupling_laplacian(num_replicas, topology)
        eigenvalues, self.eigenvectors = np.linalg.eigh(laplacian)
        self.eigenvalues = np.where(np.abs(eigenvalues) < 1e-12, 0.0, eigenvalues)

    def matrix(self, amount: float) -> np.ndarray:
        """exp(−amount · L)."""
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = np.where(self.eigenvalues == 0.0, 0.0, amount * self.eigenvalues)
        factors = np.exp(-scaled)
        return (self.eigenvectors * factors) @ self.eigenvectors.T

    def apply(self, replicas: np.ndarray, amount: float) -> np.ndarray:
        if amount == 0.0:
            return np.asarray(replicas, dtype=np.float64)
        return self.matrix(amount) @ replicas


@dataclass(frozen=True)
class TrainingConfig:
    """Settings of one (replicated) gradient-descent run.

    ``replicas = 1`` is plain mini-batch gradient descent (no coupling). ``rho_max``
    ``None`` means 1/lr, so that at full strength the coupling flow per step is
    exp(−L). ``lr`` ``None`` is the optimiser's default. ``init_scale`` is the standard
    deviation of the Gaussian initial weights; ``init = "shared"`` starts every replica
    at the same point.
    """

    replicas: int = 1
    topology: str = "ring"
    mode: str = "none"
    rho_max: float | None = None
    optimizer: str = "sgd"
    lr: float | None = None
    epochs: int = 10
    batch_size: int = 75
    init_scale: float = 0.1
    init: str = "independent"

    def validate(self) -> None:
        """Raise TrainingError naming the first bad setting."""
        for name, minimum in (("replicas", 1), ("epochs", 0), ("batch_size", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise TrainingError(f"{name} = {value!r} must be an integer >= {minimum}")
        if self.topology not in TOPOLOGIES:
            raise TrainingError(
                f"topology {self.topology!r} is unknown; use one of {', '.join(TOPOLOGIES)}"
            )
        if self.init not in INITS:
            raise TrainingError(f"init {self.init!r} is unknown; use one of {', '.join(INITS)}")
        scale = self.init_scale
        if (
            isinstance(scale, bool)
            or not isinstance(scale, int | float)
            or not (math.isfinite(scale) and scale >= 0)
        ):
            raise TrainingError(f"init_scale = {self.init_scale!r} must be finite and >= 0")
        make_optimizer(self.optimizer, **({} if self.lr is None else {"lr": self.lr}))
        self.schedule()

    @property
    def learning_rate(self) -> float:
        return default_lr(self.optimizer) if self.lr is None else float(self.lr)

    def schedule(self) -> CouplingSchedule:
        rho_max = 1.0 / self.learning_rate if self.rho_max is None else self.rho_max
        return regulation_schedule(self.mode, rho_max)


@dataclass
class TrainingResult:
    """Per-epoch records, the final replicas, and the centre's binary weights."""

    config: dict[str, Any]
    epochs: list[dict[str, Any]]
    replicas: np.ndarray
    centre: np.ndarray
    binary_weights: np.ndarray
    seconds: float

    @property
    def final(self) -> dict[str, Any]:
        return self.epochs[-1]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: config, epochs, final centre and binary weights."""
        return {
            "config": self.config,
            "epochs": self.epochs,
            "centre": self.centre.tolist(),
            "binary_weights": self.binary_weights.astype(int).tolist(),
            "seconds": self.seconds,
        }


def _split_scores(
    model: GradientModel, params: np.ndarray, data: Dataset
) -> dict[str, float | None]:
    train = model.pattern_losses(params, data.x_train, data.y_train)
    scores: dict[str, float | None] = {
        "train_loss": float(train.mean()),
        "train_accuracy": model.accuracy(params, data.x_train, data.y_train),
        "test_loss": None,
        "test_accuracy": None,
    }
    if data.x_test is not None and data.y_test is not None and len(data.x_test):
        scores["test_loss"] = float(model.pattern_losses(params, data.x_test, data.y_test).mean())
        scores["test_accuracy"] = model.accuracy(params, data.x_test, data.y_test)
    return scores


def _binary_scores(model: GradientModel, params: np.ndarray, data: Dataset) -> dict[str, Any]:
    binary = model.binarise(params)
    target = model.binary_model
    test = None
    if data.x_test is not None and len(data.x_test):
        test = float(target.accuracy(binary, data.x_test, data.y_test))
    return {
        "energy": float(target.energy(binary)),
        "train_errors": int(target.errors(binary)),
        "train_accuracy": float(target.accuracy(binary)),
        "test_accuracy": test,
    }


def epoch_record(
    model: GradientModel, replicas: np.ndarray, data: Dataset, epoch: int, rho: float
) -> dict[str, Any]:
    """Scores after an epoch: centre, best replica (lowest train loss), spread, binary."""
    centre = replicas.mean(axis=0)
    losses = [float(model.pattern_losses(w, data.x_train, data.y_train).mean()) for w in replicas]
    best = int(np.argmin(losses))
    spread = float(np.sqrt(np.mean(np.sum((replicas - centre) ** 2, axis=1))))
    return {
        "epoch": epoch,
        "rho": rho,
        "spread": spread,
        "centre": _split_scores(model, centre, data),
        "best": {"replica": best, **_split_scores(model, replicas[best], data)},
        "binary": _binary_scores(model, centre, data),
    }


def train_replicas(
    model: GradientModel,
    data: Dataset,
    config: TrainingConfig,
    *,
    seed: int,
    progress: Progress | None = None,
) -> TrainingResult:
    """Train M coupled replicas of ``model`` on ``data`` (see the module docstring).

    Every epoch visits the training set once in a fresh random order, in mini-batches
    of ``batch_size`` (the last one smaller). ``epochs[0]`` is the initial state.
    Reproducible from ``seed``: initial weights and batch orders use separate streams,
    so ``init = "shared"`` runs with any M see the same batches.
    """
    config.validate()
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise TrainingError(f"seed = {seed!r} must be an integer >= 0")
    started = time.perf_counter()
    init_rng, batch_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    m, n = config.replicas, model.num_params
    if config.init == "shared":
        replicas = np.tile(init_rng.normal(0.0, config.init_scale, n), (m, 1))
    else:
        replicas = init_rng.normal(0.0, config.init_scale, (m, n))
    lr = config.learning_rate
    optimizer = make_optimizer(config.optimizer, lr=lr)
    schedule = config.schedule()
    propagator = CouplingPropagator(m, config.topology)
    patterns = data.num_patterns
    steps_per_epoch = math.ceil(patterns / config.batch_size)
    total_steps = max(config.epochs * steps_per_epoch, 1)
    records = [epoch_record(model, replicas, data, 0, schedule(0.0))]
    step, rho = 0, schedule(0.0)
    for epoch in range(1, config.epochs + 1):
        order = batch_rng.permutation(patterns)
        for start in range(0, patterns, config.batch_size):
            batch = order[start : start + config.batch_size]
            grads = np.zeros_like(replicas)
            for k, part in enumerate(np.array_split(batch, m)):
                if len(part):
                    _, grad = model.loss_and_grad(
                        replicas[k], data.x_train[part], data.y_train[part]
                    )
                    grads[k] = grad * (m / len(batch))
            replicas = optimizer.step(replicas, grads)
            rho = schedule(step / max(total_steps - 1, 1))
            if m > 1:
                replicas = propagator.apply(replicas, lr * rho)
            step += 1
        records.append(epoch_record(model, replicas, data, epoch, rho))
        if progress is not None:
            progress(epoch, config.epochs)
    centre = replicas.mean(axis=0)
    return TrainingResult(
        config={**asdict(config), "lr": lr, "rho_max": schedule.rho_max, "seed": seed},
        epochs=records,
        replicas=replicas,
        centre=centre,
        binary_weights=model.binarise(centre),
        seconds=time.perf_counter() - started,
    )


def train_problem(
    problem: Any,
    *,
    seed: int,
    loss: str | None = None,
    forward: str = "real",
    progress: Progress | None = None,
    **settings: Any,
) -> TrainingResult:
    """Train a qanneal Problem's perceptron/BiNN by (replicated) gradient descent.

    ``settings`` are :class:`TrainingConfig` fields (``replicas``, ``mode``,
    ``optimizer``, ``epochs``, ...). The latent model trains on ``loss`` (default: the
    problem's loss, or ``"bce"`` if that is ``"errors"``, which has no gradient); the
    binary scores (``epochs[i]["binary"]``, ``binary_weights``) use the problem's own
    model and energy, so they compare with SA/PIMC runs on the same problem.

    >>> from qanneal.problem import problem_from_dict
    >>> problem = problem_from_dict({"model": {"type": "perceptron", "inputs": 11},
    ...     "data": {"source": "teacher", "alpha": 1.0, "seed": 3}})
    >>> result = train_problem(problem, seed=0, epochs=3, batch_size=4, replicas=2)
    >>> result.binary_weights.shape, result.final["binary"]["energy"] == problem.errors(
    ...     result.binary_weights)
    ((11,), True)
    """
    fields = set(TrainingConfig.__dataclass_fields__)
    unknown = sorted(set(settings) - fields)
    if unknown:
        raise TrainingError(
            f"unknown training setting(s) {', '.join(unknown)}; use {', '.join(sorted(fields))}"
        )
    model = latent_model(problem.model, loss=loss, forward=forward)
    result = train_replicas(
        model, problem.data, TrainingConfig(**settings), seed=seed, progress=progress
    )
    result.config.update({"loss": model.loss_name, "forward": forward, "problem": problem.name})
    return result
