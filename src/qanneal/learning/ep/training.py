"""Training loops: minibatch gradient descent on ⟨C⟩ with an EP rule and a sampler.

Rules: ``nudged`` and ``covariance`` (thermal, :mod:`.rules`, samplers ``exact``,
``sa``, ``pimc``), ``quantum`` (ground-state EP, :mod:`.quantum`, back-ends ``exact``
and ``pimc``). After every epoch the network is evaluated on the train and test sets:
accuracy is the sign of the mean output magnetisation against the label, cost the
mean ⟨C⟩ — computed exactly (enumeration or diagonalisation) while the free spins
number at most ``EXACT_EVALUATION_LIMIT``, else from the rule's sampler.

Example:
    >>> from qanneal.learning.ep.network import IsingNetwork
    >>> x = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    >>> y = np.array([-1, 1, 1, -1])
    >>> settings = TrainSettings(rule="covariance", sampler="exact", temperature=0.5,
    ...                          learning_rate=0.5, epochs=150, batch_size=4, seed=0)
    >>> result = train(IsingNetwork.layered(2, [4], 1, seed=0), (x, y, x, y), settings)
    >>> result.history[-1]["train_accuracy"]
    1.0
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from qanneal.learning.ep.network import IsingNetwork, NetworkError
from qanneal.learning.ep.quantum import (
    MAX_EXACT_QUBITS,
    PIMCSettings,
    QuantumNetwork,
    ground_states,
    pimc_states,
    quantum_nudged_gradient,
    single_threaded_blas,
)
from qanneal.learning.ep.rules import covariance_gradient, mean_cost, nudged_gradient, output_means
from qanneal.learning.ep.thermal import ExactPhases, Phase, phase_sampler

RULES = ("nudged", "covariance", "quantum")
EXACT_EVALUATION_LIMIT = 16
Progress = Callable[[int, int], None]
Data = tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]


@dataclass(frozen=True)
class TrainSettings:
    """Everything a training run needs besides the network and the data."""

    rule: str = "nudged"
    sampler: str = "sa"
    temperature: float = 1.0
    beta: float = 0.5
    learning_rate: float = 0.1
    epochs: int = 50
    batch_size: int = 16
    num_reads: int = 32
    num_sweeps: int = 200
    transverse_field: float = 0.5
    trotter: int = 32
    pimc_beta: float = 8.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise NetworkError(f"rule = {self.rule!r}: use one of {', '.join(RULES)}")
        for name in ("temperature", "beta", "learning_rate", "transverse_field", "pimc_beta"):
            if not getattr(self, name) > 0:
                raise NetworkError(f"{name} = {getattr(self, name)} must be > 0")
        for name in ("epochs", "batch_size", "num_reads", "num_sweeps", "trotter"):
            if getattr(self, name) < 1:
                raise NetworkError(f"{name} = {getattr(self, name)} must be >= 1")


@dataclass
class TrainResult:
    """The trained network (a QuantumNetwork for the quantum rule), one history row
    per epoch (epoch 0 is before training) and the wall time."""

    network: IsingNetwork | QuantumNetwork
    history: list[dict[str, Any]]
    seconds: float
    evaluation: str

    @property
    def final(self) -> dict[str, Any]:
        return self.history[-1]


def _pimc(settings: TrainSettings) -> PIMCSettings:
    return PIMCSettings(
        settings.pimc_beta, settings.trotter, settings.num_reads, settings.num_sweeps
    )


def _gradient(
    model: IsingNetwork | QuantumNetwork,
    x: np.ndarray,
    y: np.ndarray,
    settings: TrainSettings,
    rng: np.random.Generator,
) -> np.ndarray:
    if isinstance(model, QuantumNetwork):
        return quantum_nudged_gradient(
            model, x, y, settings.beta, settings.sampler, _pimc(settings), rng
        )
    reads = None if settings.sampler == "exact" else settings.num_reads
    sampler = phase_sampler(settings.sampler, reads, settings.num_sweeps)
    if settings.rule == "covariance":
        return covariance_gradient(model, x, y, sampler, settings.temperature, rng)
    return nudged_gradient(model, x, y, sampler, settings.temperature, settings.beta, rng)


def _free_phase(
    model: IsingNetwork | QuantumNetwork,
    x: np.ndarray,
    settings: TrainSettings,
    rng: np.random.Generator,
) -> tuple[Phase, str]:
    if isinstance(model, QuantumNetwork):
        if model.network.num_free <= min(EXACT_EVALUATION_LIMIT, MAX_EXACT_QUBITS):
            return ground_states(model, x, None, 0.0).phase, "exact"
        return pimc_states(model, x, None, 0.0, _pimc(settings), rng)[0].phase, "pimc"
    if model.num_free <= EXACT_EVALUATION_LIMIT:
        return ExactPhases().phase(model, x, None, 0.0, settings.temperature), "exact"
    sampler = phase_sampler(settings.sampler, settings.num_reads, settings.num_sweeps)
    return sampler.phase(model, x, None, 0.0, settings.temperature, rng), settings.sampler


def evaluate(
    model: IsingNetwork | QuantumNetwork,
    x: np.ndarray,
    y: np.ndarray,
    settings: TrainSettings,
    rng: np.random.Generator | None = None,
) -> tuple[float, float, str]:
    """(accuracy, mean cost ⟨C⟩, how it was computed) of a network on patterns x, y."""
    network = model.network if isinstance(model, QuantumNetwork) else model
    phase, how = _free_phase(model, x, settings, rng or np.random.default_rng(settings.seed))
    predictions = network.predict(output_means(network, phase))
    accuracy = float(np.mean(predictions == np.asarray(y)))
    return accuracy, mean_cost(network, phase, y), how


def train(
    network: IsingNetwork,
    data: Data,
    settings: TrainSettings,
    progress: Progress | None = None,
) -> TrainResult:
    """Minibatch gradient descent θ ← θ − η ĝ with the rule's estimate ĝ of ∂⟨C⟩/∂θ.

    ``data`` is (x_train, y_train, x_test, y_test) with ±1 labels; test arrays may be
    None. The quantum rule wraps ``network`` with the transverse field of ``settings``.
    """
    if settings.rule == "quantum":
        if settings.sampler not in ("exact", "pimc"):
            raise NetworkError(
                f"sampler {settings.sampler!r} cannot prepare ground states; "
                "the quantum rule takes 'exact' (diagonalisation) or 'pimc'"
            )
        model: IsingNetwork | QuantumNetwork = QuantumNetwork(network, settings.transverse_field)
    else:
        model = network
    with single_threaded_blas():
        return _descend(model, data, settings, progress)


def _descend(
    model: IsingNetwork | QuantumNetwork,
    data: Data,
    settings: TrainSettings,
    progress: Progress | None,
) -> TrainResult:
    x_train, y_train = data[0], data[1]
    rng = np.random.default_rng(settings.seed)
    start = time.perf_counter()
    history = [_row(0, model, data, settings, rng, start)]
    count = len(x_train)
    for epoch in range(1, settings.epochs + 1):
        order = rng.permutation(count)
        for first in range(0, count, settings.batch_size):
            batch = order[first : first + settings.batch_size]
            gradient = _gradient(model, x_train[batch], y_train[batch], settings, rng)
            model = model.with_parameters(model.parameters - settings.learning_rate * gradient)
        history.append(_row(epoch, model, data, settings, rng, start))
        if progress is not None:
            progress(epoch, settings.epochs)
    return TrainResult(model, history, time.perf_counter() - start, history[-1]["evaluation"])


def _row(
    epoch: int,
    model: IsingNetwork | QuantumNetwork,
    data: Data,
    settings: TrainSettings,
    rng: np.random.Generator,
    start: float,
) -> dict[str, Any]:
    x_train, y_train, x_test, y_test = data
    train_accuracy, train_cost, how = evaluate(model, x_train, y_train, settings, rng)
    row: dict[str, Any] = {
        "epoch": epoch,
        "train_accuracy": train_accuracy,
        "train_cost": train_cost,
        "test_accuracy": None,
        "test_cost": None,
        "seconds": time.perf_counter() - start,
        "evaluation": how,
    }
    if x_test is x_train and y_test is y_train:  # XOR: the test set is the training set
        row["test_accuracy"], row["test_cost"] = train_accuracy, train_cost
    elif x_test is not None and y_test is not None and len(x_test):
        row["test_accuracy"], row["test_cost"], _ = evaluate(model, x_test, y_test, settings, rng)
    return row


def settings_dict(settings: TrainSettings) -> dict[str, Any]:
    """The settings as a plain dict (for run records)."""
    return asdict(settings)
