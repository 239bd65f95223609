"""Simulated annealing on a model's native energy (no QUBO, no slack bits).

Single-spin Metropolis with sequential sweeps over the weights and a β schedule
from :mod:`qanneal.samplers.schedules`; the energy change of a flip is computed from
cached stabilities (perceptron) or pre-activations (BiNN) by the PIMC driver
(:mod:`qanneal.samplers.pimc._kernels`) run with one Trotter slice and no quantum term,
so SA and PIMC share every energy back-end. :class:`AnnealingSampler` (registry name
``sa``) has two entry points: ``sample_model(model)`` runs that native SA (keyword-only
``num_reads``, ``num_sweeps``, ``beta_range``, ``beta_schedule_type``, ``seed``,
``initial_states``, as dwave-samplers' ``SimulatedAnnealingSampler`` names them), and
``sample(bqm)`` hands a BQM to dwave-samplers' ``SimulatedAnnealingSampler`` itself
(through :class:`~qanneal.samplers.ocean.OceanSampler`).

Example:
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> rng = np.random.default_rng(0)
    >>> model = BinaryPerceptron(5, rng.choice([-1, 1], (3, 5)), np.array([1, -1, 1]))
    >>> sampleset = AnnealingSampler().sample_model(model, num_reads=2, num_sweeps=100, seed=1)
    >>> len(sampleset), float(sampleset.first.energy)
    (2, 0.0)
"""

from __future__ import annotations

from typing import Any, ClassVar

import dimod
import numpy as np

from qanneal.models import BinaryModel, BinaryNeuralNetwork, BinaryPerceptron
from qanneal.samplers.base import (
    NativeSampler,
    Stopwatch,
    check_num_reads,
    draw_seed,
)
from qanneal.samplers.ocean import OceanSampler
from qanneal.samplers.pimc import _kernels as pimc_kernels
from qanneal.samplers.pimc.packing import pack_model
from qanneal.samplers.schedules import SCHEDULE_TYPES, beta_schedule, default_beta_range


def random_spins(rng: np.random.Generator, num_reads: int, num_variables: int) -> np.ndarray:
    """(num_reads, num_variables) uniformly random ±1 int8 states."""
    return rng.choice(np.array([-1, 1], dtype=np.int8), size=(num_reads, num_variables))


def initial_spins(
    initial_states: Any, model: BinaryModel, num_reads: int, rng: np.random.Generator
) -> np.ndarray:
    """Initial ±1 states: given ones (array or SampleSet over the model's variables), cycled
    to ``num_reads`` rows, or uniformly random."""
    if initial_states is None:
        return random_spins(rng, num_reads, model.num_variables)
    if isinstance(initial_states, dimod.SampleSet):
        states = dimod.as_samples((initial_states.record.sample, initial_states.variables))
        order = [states[1].index(name) for name in model.variables]
        array = np.asarray(states[0])[:, order]
    else:
        array = np.atleast_2d(np.asarray(initial_states))
    if array.shape[1] != model.num_variables or not np.isin(array, (-1, 1)).all():
        raise ValueError(
            f"initial_states must be ±1 rows of {model.num_variables} values "
            f"(got shape {array.shape})"
        )
    rows = np.resize(np.arange(len(array)), num_reads)
    return np.ascontiguousarray(array[rows], dtype=np.int8)


def flip_energy_sample(model: BinaryModel, rng: np.random.Generator, states: int = 2) -> np.ndarray:
    """Energy changes of every single flip from a few random states (for default β)."""
    changes = []
    for spins in random_spins(rng, states, model.num_variables):
        flipped = np.repeat(spins[None, :], model.num_variables, axis=0)
        np.fill_diagonal(flipped, -spins)
        changes.append(np.asarray(model.energy(flipped)) - model.energy(spins))
    return np.concatenate(changes)


class AnnealingSampler(dimod.Sampler, NativeSampler):
    """Simulated annealing: qanneal's Metropolis directly on a BinaryPerceptron /
    BinaryNeuralNetwork (``sample_model``), dwave-samplers' on a BQM (``sample``)."""

    model_parameters: ClassVar[dict[str, list[str]]] = {
        "num_reads": [],
        "num_sweeps": [],
        "beta_range": [],
        "beta_schedule_type": ["beta_schedule_options"],
        "seed": [],
        "initial_states": [],
    }
    properties: ClassVar[dict[str, Any]] = {"beta_schedule_options": SCHEDULE_TYPES}

    def __init__(self) -> None:
        self.bqm_sampler = OceanSampler("SimulatedAnnealingSampler")

    @property
    def parameters(self) -> dict[str, list[str]]:
        return self.bqm_sampler.parameters

    def sample(self, bqm: dimod.BinaryQuadraticModel, **parameters: Any) -> dimod.SampleSet:
        """dwave-samplers' simulated annealing on ``bqm`` (its parameters)."""
        return self.bqm_sampler.sample(bqm, **parameters)

    def sample_model(
        self,
        model: BinaryModel,
        *,
        num_reads: int = 10,
        num_sweeps: int = 1000,
        beta_range: tuple[float, float] | None = None,
        beta_schedule_type: str = "geometric",
        seed: int | None = None,
        initial_states: Any = None,
    ) -> dimod.SampleSet:
        check_num_reads(num_reads)
        seed = draw_seed(seed)
        rng = np.random.default_rng(seed)
        watch = Stopwatch()
        if beta_range is None:
            beta_range = default_beta_range(flip_energy_sample(model, rng))
        betas = beta_schedule(beta_range, num_sweeps, beta_schedule_type)
        initial = initial_spins(initial_states, model, num_reads, rng)
        kernel_seed = int(rng.integers(2**32 - 1))
        watch.lap("preprocessing_ns")
        spins, energies = run_kernel(model, betas, initial, kernel_seed)
        watch.lap("sampling_ns")
        info = {
            "timing": watch.timing(),
            "protocol": {
                "seed": seed,
                "num_sweeps": int(num_sweeps),
                "beta_range": [float(b) for b in beta_range],
                "beta_schedule_type": beta_schedule_type,
            },
            "sa": {},
        }
        return dimod.SampleSet.from_samples(
            (spins, model.variables),
            vartype=dimod.SPIN,
            energy=energies,
            info=info,
            sort_labels=False,
        )


def run_kernel(
    model: BinaryModel, betas: np.ndarray, initial: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Run the PIMC driver with one slice and local moves only: classical Metropolis at
    each β of ``betas`` on the model's native back-end (cached stabilities or BiNN
    pre-activations), one independent stream per read derived from ``seed``."""
    if not isinstance(model, BinaryPerceptron | BinaryNeuralNetwork):
        raise TypeError(f"no native kernel for {type(model).__name__}")
    packed = pack_model(model)
    seeds = np.random.default_rng(seed).integers(2**31 - 1, size=len(initial))
    spins, energies, _, _ = pimc_kernels.anneal(
        packed.code,
        *packed.arrays,
        np.asarray(betas, dtype=np.float64),
        np.zeros(len(betas)),
        np.array([1, 0, 0], dtype=np.int64),
        np.zeros(0),
        np.ascontiguousarray(initial[:, None, :], dtype=np.int8),
        seeds,
        0,
        packed.cache_width,
    )
    return spins[:, 0, :], energies[:, 0]
