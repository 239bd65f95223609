"""Path-integral Monte Carlo (simulated quantum annealing) of the transverse-field Ising
model of the weights: H(t) = H_problem(σᶻ) − Γ(t) Σ_i σˣ_i at inverse temperature β.

The quantum system is mapped by Suzuki–Trotter onto M classical slices coupled along
imaginary time with J⊥ = ½ ln coth(βΓ/M) (docs/formulas.md, "Path integral"); Γ is
lowered while β stays fixed (or follows ``beta_schedule``), as in Baldassi & Zecchina,
PNAS 115:1457 (2018), who then finish with classical sweeps at β
(``final_classical_sweeps``). One driver serves a BQM, a HUBO (natively, no reduction)
and the native energy of a perceptron or a BiNN.

Defaults are a rule, not constants: with no parameters the sampler picks M, β, the Γ
schedule, the number of sweeps and the moves from what it is given (the target kind, the
number of variables, the single-flip energies of a few random states) by the rules of
:mod:`qanneal.samplers.protocols`, and records the rule's name and every value in
``info["protocol"]``. Every key can be given instead; the rule fills in the rest.
``protocol="paper"`` runs Baldassi–Zecchina's published protocol.

Moves (``moves``): "local" single-spin Metropolis on one slice; "rejection_free" local
flips drawn in proportion to their imaginary-time rate (RRRMC; a sweep is M·n
iterations, and ``info["pimc"]["clock_sweeps"]`` says how many Metropolis sweeps of
imaginary-time dynamics they covered); "global" flips one spin's whole worldline;
"cluster" Swendsen–Wang segments along imaginary time. The rules' choices and the
measurements behind them are in benchmarks/README.md (PIMC).

Example:
    >>> import dimod
    >>> bqm = dimod.BQM({"a": 1.0}, {("a", "b"): -1.0}, 0.0, "SPIN")
    >>> sampleset = PIMCSampler().sample(bqm, num_reads=2, num_sweeps=50, seed=1)
    >>> {v: int(s) for v, s in sampleset.first.sample.items()}, sampleset.info["protocol"]["rule"]
    ({'a': -1, 'b': -1}, 'energy-scale')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import dimod
import numpy as np

from qanneal.models import BinaryModel, BinaryNeuralNetwork
from qanneal.samplers.base import MAX_SEED, NativeSampler, Stopwatch, check_num_reads, draw_seed
from qanneal.samplers.pimc._kernels import MOVES, REJECTION_FREE, Schedule
from qanneal.samplers.pimc.driver import (
    Annealed,
    anneal_in_chunks,
    compile_kernels,
    compile_probe,
    flip_energies,
    make_schedule,
    quenched_flip_energies,
)
from qanneal.samplers.pimc.packing import Packed, pack_bqm, pack_model, pack_polynomial
from qanneal.samplers.protocols import PROTOCOLS, PIMCProtocol, Target, pimc_protocol
from qanneal.samplers.schedules import GAMMA_SHAPES, trotter_coupling

PROBE_STREAM = 1  # the random states whose flip energies the default rules scale by


class PIMCSampler(dimod.Sampler, dimod.PolySampler, NativeSampler):
    """Discrete-time path-integral Monte Carlo on a BQM, a HUBO or a native model."""

    parameters: ClassVar[dict[str, list[str]]] = {
        "num_reads": [],
        "num_sweeps": [],
        "protocol": ["protocols"],
        "trotter": [],
        "beta": [],
        "gamma_schedule": ["gamma_shapes"],
        "gamma_stages": [],
        "beta_schedule": [],
        "seed": [],
        "initial_states": [],
        "final_classical_sweeps": [],
        "moves": ["moves"],
        "trace_every": [],
        "all_slices": [],
    }
    model_parameters = parameters
    properties: ClassVar[dict[str, Any]] = {
        "moves": MOVES,
        "gamma_shapes": GAMMA_SHAPES,
        "protocols": PROTOCOLS,
    }

    def sample(self, bqm: dimod.BinaryQuadraticModel, **parameters: Any) -> dimod.SampleSet:
        """Sample a BQM (either vartype; sampled as spins)."""
        return self._sample(pack_bqm(bqm), "bqm", bqm.vartype, bqm.energies, None, **parameters)

    def sample_poly(self, polynomial: dimod.BinaryPolynomial, **parameters: Any) -> dimod.SampleSet:
        """Sample a HUBO natively through its term–variable incidence (no reduction)."""
        packed = pack_polynomial(polynomial)
        energies = polynomial.energies
        return self._sample(packed, "polynomial", polynomial.vartype, energies, None, **parameters)

    def sample_model(self, model: BinaryModel, **parameters: Any) -> dimod.SampleSet:
        """Sample a perceptron's or a BiNN's native energy (cached stabilities or
        pre-activations per slice)."""
        packed = pack_model(model)
        kind = "binn" if isinstance(model, BinaryNeuralNetwork) else "perceptron"

        def energies(samples_like: Any) -> np.ndarray:
            samples, labels = dimod.as_samples(samples_like)
            order = [labels.index(name) for name in model.variables]
            return np.atleast_1d(np.asarray(model.energy(np.asarray(samples)[:, order])))

        return self._sample(packed, kind, dimod.SPIN, energies, model.fan_in, **parameters)

    def _sample(
        self,
        packed: Packed,
        kind: str,
        vartype: dimod.Vartype,
        energies: Callable[[Any], np.ndarray],
        fan_in: int | None,
        *,
        num_reads: int = 10,
        seed: int | None = None,
        initial_states: Any = None,
        protocol: str = "auto",
        num_sweeps: int | None = None,
        trotter: int | None = None,
        beta: float | None = None,
        gamma_schedule: Any = None,
        gamma_stages: int | None = None,
        beta_schedule: Any = None,
        final_classical_sweeps: int | None = None,
        moves: Sequence[str] | None = None,
        trace_every: int = 0,
        all_slices: bool = False,
    ) -> dimod.SampleSet:
        watch = Stopwatch()
        seed = draw_seed(seed)
        rng = np.random.default_rng(seed)
        check_num_reads(num_reads)
        watch.lap("preprocessing_ns")
        compile_probe(packed)
        watch.lap("compile_ns")
        probe = np.random.default_rng([seed, PROBE_STREAM])  # leaves rng's stream as it was
        quenched = None if kind == "perceptron" else quenched_flip_energies(packed, probe)
        flips = flip_energies(packed, probe)
        target = Target(kind, packed.num_variables, flips, fan_in, quenched)
        chosen = pimc_protocol(
            target,
            protocol,
            num_sweeps=num_sweeps,
            trotter=trotter,
            beta=beta,
            gamma_schedule=gamma_schedule,
            gamma_stages=gamma_stages,
            beta_schedule=beta_schedule,
            final_classical_sweeps=final_classical_sweeps,
            moves=moves,
        )
        check_protocol(chosen)
        schedule = kernel_schedule(chosen, trace_every)
        initial = _initial(initial_states, packed, vartype, num_reads, chosen.trotter, rng)
        seeds = rng.integers(MAX_SEED, size=num_reads)
        watch.lap("preprocessing_ns")
        compile_kernels(packed, schedule, initial)
        watch.lap("compile_ns")
        run = anneal_in_chunks(packed, schedule, initial, seeds)
        watch.lap("sampling_ns")
        sampleset = _sampleset(packed, vartype, energies, run.spins, run.slice_energies, all_slices)
        watch.lap("postprocessing_ns")
        extras = _extras(chosen, packed, run, trace_every)
        sampleset.info.update(
            {
                "timing": watch.timing(),
                "protocol": {"seed": seed, **chosen.as_dict()},
                "pimc": extras,
            }
        )
        return sampleset


def kernel_schedule(chosen: PIMCProtocol, trace_every: int) -> Schedule:
    """The driver's schedule of a protocol: β per quantum sweep then per final sweep (at the
    last β), J⊥ = ½ ln coth(βΓ/M) per quantum sweep, the moves."""
    betas = chosen.betas()
    jperps = trotter_coupling(betas, chosen.gammas(), chosen.trotter)
    final = np.full(chosen.final_classical_sweeps, betas[-1])
    return make_schedule(np.concatenate([betas, final]), jperps, chosen.moves, trace_every)


def _extras(chosen: PIMCProtocol, packed: Packed, run: Annealed, every: int) -> dict[str, Any]:
    """``info["pimc"]``: updates per read, acceptance per move, clock, chunks, trace."""
    reads = len(run.spins)
    clock = None
    if run.counts[:, REJECTION_FREE, 0].sum():  # iterations were done, so n >= 1
        clock = float(run.clocks.sum()) / (packed.num_variables * chosen.trotter * reads)
    return {
        "spin_updates": spin_updates(chosen, packed.num_variables),
        "acceptance": _acceptance(run.counts),
        "clock_sweeps": clock,
        "chunks": run.chunks,
        "trace": {
            "every": every,
            "mean_energy": run.traces[:, :, 0].tolist(),
            "overlap": run.traces[:, :, 1].tolist(),
        },
    }


def spin_updates(chosen: PIMCProtocol, num_variables: int) -> int:
    """Single-spin energy evaluations of one read: every move of a quantum sweep visits
    each of the M·n slice-spins once (a cluster or global sweep evaluates the flip of every
    slice-spin of its segments), and so does each final classical sweep.

    >>> from qanneal.samplers.protocols import PAPER
    >>> spin_updates(PAPER, 10)  # 32 slices x 10 spins x (100 + 20) sweeps
    38400
    """
    per_sweep = sum(1 for move in chosen.moves if move in ("local", "rejection_free"))
    if chosen.trotter > 1:
        per_sweep += sum(1 for move in chosen.moves if move in ("global", "cluster"))
    sweeps = chosen.num_sweeps * per_sweep + chosen.final_classical_sweeps
    return int(sweeps * chosen.trotter * num_variables)


def check_protocol(chosen: PIMCProtocol) -> None:
    """A ValueError that says what to fix when a protocol cannot run."""
    for name in ("num_sweeps", "trotter"):
        value = getattr(chosen, name)
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ValueError(f"{name} = {value!r} must be an integer >= 1")
    final = chosen.final_classical_sweeps
    if isinstance(final, bool) or int(final) != final or final < 0:
        raise ValueError(f"final_classical_sweeps = {final!r} must be an integer >= 0")
    if chosen.gamma_stages is not None and not 1 <= chosen.gamma_stages <= chosen.num_sweeps:
        raise ValueError(
            f"gamma_stages = {chosen.gamma_stages!r} must be between 1 and num_sweeps "
            f"({chosen.num_sweeps})"
        )
    unknown = set(chosen.moves) - set(MOVES)
    if unknown or not chosen.moves:
        raise ValueError(f"moves = {list(chosen.moves)!r}: choose from {', '.join(MOVES)}")
    betas = chosen.betas()
    if betas.shape != (chosen.num_sweeps,) or not (betas > 0).all():
        raise ValueError(
            f"beta_schedule must hold num_sweeps = {chosen.num_sweeps} values > 0 (and beta > 0)"
        )
    gammas = chosen.gammas()
    if gammas.shape != (chosen.num_sweeps,) or (gammas < 0).any():
        raise ValueError(
            f"gamma_schedule must be (start, end[, shape]) or {chosen.num_sweeps} values ≥ 0, "
            "one per sweep"
        )


def _initial(initial_states, packed, vartype, num_reads, trotter, rng):
    """(R, M, n) int8 spins: given states (copied to every slice) or random."""
    n = packed.num_variables
    if initial_states is None:
        return rng.choice(np.array([-1, 1], dtype=np.int8), size=(num_reads, trotter, n))
    samples, labels = dimod.as_samples(initial_states)
    order = [labels.index(v) for v in packed.labels]
    array = np.asarray(samples)[:, order]
    if vartype is dimod.BINARY:
        array = 2 * array - 1
    if not np.isin(array, (-1, 1)).all():
        raise ValueError("initial_states must hold ±1 (SPIN) or 0/1 (BINARY) values")
    rows = np.resize(np.arange(len(array)), num_reads)
    return np.ascontiguousarray(np.repeat(array[rows][:, None, :], trotter, axis=1), dtype=np.int8)


def _sampleset(packed, vartype, energies, spins, slice_energies, all_slices):
    num_reads, trotter, n = spins.shape
    if all_slices:
        chosen = spins.reshape(num_reads * trotter, n)
        reads = np.repeat(np.arange(num_reads), trotter)
        slices = np.tile(np.arange(trotter), num_reads)
    else:
        best = np.argmin(slice_energies, axis=1)
        chosen = spins[np.arange(num_reads), best]
        reads, slices = np.arange(num_reads), best
    values = chosen if vartype is dimod.SPIN else (chosen + 1) // 2
    labelled = (values.astype(np.int8), packed.labels)
    return dimod.SampleSet.from_samples(
        labelled,
        vartype=vartype,
        energy=energies(labelled),
        read=reads,
        slice=slices,
        sort_labels=False,
    )


def _acceptance(counts: np.ndarray) -> dict[str, float | None]:
    totals = counts.sum(axis=0)
    return {
        move: (float(totals[m, 1] / totals[m, 0]) if totals[m, 0] else None)
        for m, move in enumerate(MOVES)
    }
