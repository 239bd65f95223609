"""The ``vqa`` sampler: quantum-hypernetwork training as a registry sampler of native models.

One *read* is one optimisation run: random initial angles, ``num_sweeps`` Adam steps on
E(θ) = ⟨ψ_θ|Ĉ|ψ_θ⟩, then ``num_samples`` measurements of the trained state; the read
is the lowest-loss network among them. Reads are independent, so ``success_rate`` in a
run record is the share of optimisation runs that produced a zero-error network, and
``qanneal solve FILE --sampler vqa`` compares with ``sa``, ``pimc`` and ``exact`` on the
same footing. ``info`` holds each run's final E(θ), the pooled distribution of sampled
networks (:func:`~qanneal.samplers.vqa.analysis.summarise_networks`) and the timing.

Example:
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> x = np.array([[1, 1, -1], [1, -1, 1], [-1, 1, 1.0]])
    >>> model = BinaryPerceptron(3, x, np.array([1, 1, 1]))
    >>> sampleset = VQASampler().sample_model(model, num_reads=2, depth=1, num_sweeps=60,
    ...                                       seed=3)
    >>> float(sampleset.first.energy), sorted(sampleset.info["timing"])
    (0.0, ['sampling_ns', 'total_ns'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import dimod
import numpy as np

from qanneal.errors import ResourceError, SamplerError
from qanneal.models import BinaryModel
from qanneal.samplers.base import NativeSampler, Stopwatch, check_num_reads, draw_seed
from qanneal.samplers.vqa.analysis import summarise_networks
from qanneal.samplers.vqa.ansatz import Ansatz
from qanneal.samplers.vqa.cost import DiagonalCost, bits_to_spins
from qanneal.samplers.vqa.estimate import BACKENDS, Estimator
from qanneal.samplers.vqa.train import TrainingConfig, TrainingResult, train

AUTO_MPS_QUBITS = 17
"""backend = 'auto' uses the exact statevector up to 16 qubits and the MPS (with shots)
from 17: above that a full 2^n cost table and state cost more than sampling."""
MAX_VQA_QUBITS = 128
"""Default refusal threshold: one MPS circuit of n qubits costs about n milliseconds of
numpy calls, so a 100-step run at n = 1000 would take minutes per read."""


@dataclass
class HypernetworkResult:
    """A trained batch of hypernetworks: training, measured bits (B, S, n), summary."""

    estimator: Estimator
    training: TrainingResult
    bits: np.ndarray
    summary: dict[str, Any]


def train_hypernetwork(
    model: BinaryModel,
    *,
    depth: int = 2,
    runs: int = 1,
    steps: int = 100,
    learning_rate: float = 0.05,
    backend: str = "auto",
    bond_dim: int = 16,
    shots: int | None = None,
    gradient: str = "auto",
    optimizer: str = "adam",
    rotations: str = "ry",
    entangler: str = "cz",
    initial: str = "plus",
    num_samples: int = 256,
    test: tuple[np.ndarray, np.ndarray] | None = None,
    seed: int | None = None,
) -> HypernetworkResult:
    """Train ``runs`` quantum hypernetworks of ``model`` and measure each ``num_samples`` times.

    ``backend``: 'statevector' (exact, n ≤ ~22), 'mps' (bond dimension ``bond_dim``;
    without ``shots`` only up to 20 qubits) or 'auto' (statevector up to 16 qubits,
    else the MPS with ``shots = num_samples`` unless shots are given). ``shots = None``
    trains on the exact E(θ); with shots the estimates are sample means. ``gradient``: 'auto'
    (adjoint, parameter shift for an exact MPS, SPSA with shots), 'adjoint',
    'parameter-shift', 'finite-difference' or 'spsa'. ``optimizer``: 'adam' or 'qn-spsa'
    (quantum-natural SPSA with blocking; its gradient is SPSA unless one is given).

    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1, 1, -1.0]]), np.array([1]))
    >>> result = train_hypernetwork(model, depth=1, runs=3, steps=80, seed=0)
    >>> result.bits.shape, result.summary["best"]["train_errors"]
    ((3, 256, 3), 0)
    """
    if backend not in ("auto", *BACKENDS):
        raise SamplerError(f"vqa: backend = {backend!r} is not one of auto, {', '.join(BACKENDS)}")
    if backend == "auto":
        backend = "mps" if model.num_variables >= AUTO_MPS_QUBITS else "statevector"
        if backend == "mps" and shots is None:
            shots = num_samples
    if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < 1:
        raise SamplerError(f"vqa: num_samples = {num_samples!r} must be an integer >= 1")
    ansatz = Ansatz(
        model.num_variables, depth, rotations=rotations, entangler=entangler, initial=initial
    )
    estimator = Estimator(
        ansatz,
        DiagonalCost.from_model(model),
        backend=backend,
        bond_dim=bond_dim if backend == "mps" else None,
        shots=shots,
    )
    config = TrainingConfig(
        runs=runs,
        steps=steps,
        learning_rate=learning_rate,
        gradient=gradient,
        final_shots=num_samples,
        optimizer=optimizer,
    )
    rng = np.random.default_rng(seed)
    training = train(estimator, config, seed=int(rng.integers(2**63)))
    bits = estimator.sample(training.parameters, num_samples, rng)
    summary = summarise_networks(model, bits, test=test)
    return HypernetworkResult(estimator, training, bits, summary)


class VQASampler(NativeSampler):
    """Variational quantum hypernetwork of a native model (registry name ``vqa``)."""

    model_parameters: ClassVar[dict[str, list[str]]] = {
        "num_reads": [],
        "seed": [],
        "depth": [],
        "num_sweeps": [],
        "learning_rate": [],
        "backend": [],
        "bond_dim": [],
        "shots": [],
        "gradient": [],
        "optimizer": [],
        "rotations": [],
        "entangler": [],
        "initial": [],
        "num_samples": [],
        "max_qubits": [],
    }
    properties: ClassVar[dict[str, Any]] = {
        "backends": ("auto", "statevector", "mps"),
        "gradients": ("auto", "adjoint", "parameter-shift", "finite-difference", "spsa"),
        "optimizers": ("adam", "qn-spsa"),
        "auto_mps_qubits": AUTO_MPS_QUBITS,
    }

    # The keyword block below repeats train_hypernetwork's on purpose: the contract wants
    # keyword-only arguments named in the signature (num_reads and num_sweeps for runs and
    # steps), so that parameters_for() and `--param` see them; defaults must stay equal.
    def sample_model(
        self,
        model: BinaryModel,
        *,
        num_reads: int = 1,
        seed: int | None = None,
        depth: int = 2,
        num_sweeps: int = 100,
        learning_rate: float = 0.05,
        backend: str = "auto",
        bond_dim: int = 16,
        shots: int | None = None,
        gradient: str = "auto",
        optimizer: str = "adam",
        rotations: str = "ry",
        entangler: str = "cz",
        initial: str = "plus",
        num_samples: int = 256,
        max_qubits: int = MAX_VQA_QUBITS,
    ) -> dimod.SampleSet:
        """One optimisation run per read; each read is its best measured network.

        ``num_sweeps`` is the number of Adam steps (the length of a run, as sweeps are
        for the annealers); the other arguments are those of :func:`train_hypernetwork`.
        """
        if model.num_variables > max_qubits:
            raise ResourceError(
                f"vqa simulates at most max_qubits = {max_qubits} qubits and this model "
                f"has {model.num_variables} (each circuit costs ~n ms); use a smaller model "
                "or raise max_qubits (--param max_qubits=...)"
            )
        check_num_reads(num_reads)
        seed = draw_seed(seed)
        watch = Stopwatch()
        result = train_hypernetwork(
            model,
            depth=depth,
            runs=num_reads,
            steps=num_sweeps,
            learning_rate=learning_rate,
            backend=backend,
            bond_dim=bond_dim,
            shots=shots,
            gradient=gradient,
            optimizer=optimizer,
            rotations=rotations,
            entangler=entangler,
            initial=initial,
            num_samples=num_samples,
            seed=seed,
        )
        costs = result.estimator.cost(result.bits)  # (runs, shots)
        chosen = result.bits[np.arange(num_reads), np.argmin(costs, axis=1)]
        spins = bits_to_spins(chosen)
        energies = np.atleast_1d(np.asarray(model.energy(spins), dtype=np.float64))
        watch.lap("sampling_ns")
        info = {
            "timing": watch.timing(),
            "protocol": {
                "seed": seed,
                "num_sweeps": int(num_sweeps),
                "depth": int(depth),
                "learning_rate": float(learning_rate),
                "backend": result.estimator.backend,
                "gradient": result.training.method,
                "optimizer": optimizer,
                "bond_dim": int(bond_dim),
                "shots": shots,
                "rotations": rotations,
                "entangler": entangler,
                "initial": initial,
                "num_samples": int(num_samples),
            },
            "vqa": {
                "num_qubits": model.num_variables,
                "num_parameters": result.estimator.ansatz.num_parameters,
                "final_expectation": result.training.final_energy.tolist(),
                "circuits_per_run": result.training.circuits,
                "distribution": result.summary,
            },
        }
        return dimod.SampleSet.from_samples(
            (spins, model.variables),
            vartype=dimod.SPIN,
            energy=energies,
            info=info,
            sort_labels=False,
        )


__all__ = [
    "AUTO_MPS_QUBITS",
    "MAX_VQA_QUBITS",
    "HypernetworkResult",
    "VQASampler",
    "train_hypernetwork",
]
