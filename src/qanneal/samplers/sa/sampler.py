"""Simulated annealing on a model's native energy (no QUBO, no slack bits).

Single-spin Metropolis with sequential sweeps over the weights and a β schedule
from :mod:`qanneal.samplers.schedules`; the energy change of a flip is computed from
cached stabilities (perceptron) or pre-activations (BiNN) by the PIMC driver
(:mod:`qanneal.samplers.pimc.driver`) run with one Trotter slice and no quantum term,
so SA and PIMC share every energy back-end, and like PIMC it runs in chunks of sweeps
with progress and a stop between them. With no parameters the β range and the number of
sweeps come from the rule ``sa-energy-scale`` of :mod:`qanneal.samplers.protocols`,
recorded in ``info["protocol"]``. :class:`AnnealingSampler` (registry name
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
    MAX_SEED,
    NativeSampler,
    Stopwatch,
    check_num_reads,
    draw_seed,
)
from qanneal.samplers.ocean import OceanSampler
from qanneal.samplers.pimc._kernels import LOCAL
from qanneal.samplers.pimc.driver import (
    anneal_in_chunks,
    compile_kernels,
    compile_probe,
    flip_energies,
    make_schedule,
)
from qanneal.samplers.pimc.packing import Packed, pack_model
from qanneal.samplers.protocols import Target, sa_protocol
from qanneal.samplers.schedules import SCHEDULE_TYPES, beta_schedule


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
        num_sweeps: int | None = None,
        beta_range: tuple[float, float] | None = None,
        beta_schedule_type: str | None = None,
        seed: int | None = None,
        initial_states: Any = None,
    ) -> dimod.SampleSet:
        check_num_reads(num_reads)
        seed = draw_seed(seed)
        rng = np.random.default_rng(seed)
        watch = Stopwatch()
        packed = _pack(model)
        kind = "binn" if isinstance(model, BinaryNeuralNetwork) else "perceptron"
        watch.lap("preprocessing_ns")
        compile_probe(packed)
        watch.lap("compile_ns")
        probe = np.random.default_rng([seed, 1])  # the flip-energy states, apart from rng
        target = Target(kind, model.num_variables, flip_energies(packed, probe), model.fan_in)
        chosen = sa_protocol(
            target,
            num_sweeps=num_sweeps,
            beta_range=beta_range,
            beta_schedule_type=beta_schedule_type,
        )
        betas = beta_schedule(chosen.beta_range, chosen.num_sweeps, chosen.beta_schedule_type)
        initial = initial_spins(initial_states, model, num_reads, rng)[:, None, :]
        schedule = make_schedule(betas, np.zeros(len(betas)), ("local",))
        seeds = rng.integers(MAX_SEED, size=num_reads)
        watch.lap("preprocessing_ns")
        compile_kernels(packed, schedule, initial)
        watch.lap("compile_ns")
        run = anneal_in_chunks(packed, schedule, initial, seeds)
        watch.lap("sampling_ns")
        tried, accepted = run.counts[:, LOCAL].sum(axis=0)
        info = {
            "timing": watch.timing(),
            "protocol": {"seed": seed, **chosen.as_dict()},
            "sa": {
                "acceptance": float(accepted / tried),
                "spin_updates": int(tried) // num_reads,
                "chunks": run.chunks,
            },
        }
        return dimod.SampleSet.from_samples(
            (run.spins[:, 0, :], model.variables),
            vartype=dimod.SPIN,
            energy=run.slice_energies[:, 0],
            info=info,
            sort_labels=False,
        )


def _pack(model: BinaryModel) -> Packed:
    if not isinstance(model, BinaryPerceptron | BinaryNeuralNetwork):
        raise TypeError(f"no native kernel for {type(model).__name__}")
    return pack_model(model)
