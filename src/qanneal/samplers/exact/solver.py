"""Exact ground states by enumerating every state of what the sampler is given.

:class:`ExactSampler` (registry name ``exact``) enumerates the variables of its target and
nothing else: a BQM's variables, a polynomial's own variables (not its reduction to a
BQM, which would add auxiliaries), a native model's weights, a CQM's variables or a nonlinear
model's binary decisions (:mod:`qanneal.samplers.exact.models`). States come in chunks
(:func:`qanneal._states.enumerate_states`, the integer's bit i is variable i) and only the
``num_reads`` lowest are kept, so memory stays O(chunk) whatever n is. ``info["exact"]``
reports the ground energy and how many states reach it (the degeneracy), which tests and
the comparison study use as truth.

Example:
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1, 1, -1]]), np.array([1]))
    >>> sampleset = ExactSampler().sample_model(model, num_reads=2)
    >>> float(sampleset.first.energy), sampleset.info["exact"]["ground_degeneracy"]
    (0.0, 4)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, ClassVar

import dimod
import numpy as np

from qanneal._states import enumerate_states
from qanneal.models import BinaryModel
from qanneal.samplers.base import (
    NativeSampler,
    Stopwatch,
    check_num_reads,
    check_seed,
    current_control,
    sampler_info,
)
from qanneal.samplers.exact.models import (
    MAX_EXACT_VARIABLES,
    MAX_NL_VARIABLES,
    NL_CHUNK,
    Ground,
    enumerate_cqm,
    keep_lowest,
    nl_energies,
    too_many,
)

_CHUNK_ENTRIES = 2**22  # states × (variables or patterns × widest layer) per chunk

# (first, states): the (k, n) ±1 int8 states of integers first, first + 1, ... -> (k,) energies
EnergyFunction = Callable[[int, np.ndarray], np.ndarray]


class ExactSampler(dimod.Sampler, dimod.PolySampler, NativeSampler):
    """Exhaustive search over a BQM, a polynomial, a native model's weights or a CQM
    (n ≤ 24), or a nonlinear model's binary decisions (n ≤ 20)."""

    parameters: ClassVar[dict[str, list[str]]] = {"num_reads": [], "seed": []}
    model_parameters: ClassVar[dict[str, list[str]]] = {"num_reads": [], "seed": []}
    cqm_parameters: ClassVar[dict[str, list[str]]] = {"num_reads": [], "seed": []}
    nl_parameters: ClassVar[dict[str, list[str]]] = {"num_reads": [], "seed": []}
    properties: ClassVar[dict[str, Any]] = {"max_variables": MAX_EXACT_VARIABLES}

    def sample(
        self, bqm: dimod.BinaryQuadraticModel, *, num_reads: int = 10, seed: int | None = None
    ) -> dimod.SampleSet:
        """The ``num_reads`` lowest states of ``bqm`` (``seed`` is accepted and unused:
        enumeration is deterministic)."""
        labels = list(bqm.variables)
        return _enumerate(_labelled_energies(bqm, labels), labels, bqm.vartype, num_reads, seed)

    def sample_poly(  # type: ignore[override]  # keyword-only, as every qanneal entry point
        self, polynomial: dimod.BinaryPolynomial, *, num_reads: int = 10, seed: int | None = None
    ) -> dimod.SampleSet:
        """The ``num_reads`` lowest states of the polynomial over its own variables (every
        energy at once by a Walsh–Hadamard transform of its coefficients)."""
        labels = list(polynomial.variables)
        energies = _labelled_energies(polynomial, labels)  # refused by _enumerate when too big
        if len(labels) <= MAX_EXACT_VARIABLES:
            energies = _lookup(polynomial_energy_table(polynomial, labels))
        return _enumerate(energies, labels, polynomial.vartype, num_reads, seed, cost_per_state=1)

    def sample_model(
        self, model: BinaryModel, *, num_reads: int = 10, seed: int | None = None
    ) -> dimod.SampleSet:
        """The ``num_reads`` lowest weight vectors of the model's native energy."""

        def energies(first: int, states: np.ndarray) -> np.ndarray:
            return np.atleast_1d(np.asarray(model.energy(states), dtype=np.float64))

        width = max([model.num_inputs, *getattr(model, "hidden", [])])
        cost = max(1, model.num_patterns * width)
        return _enumerate(energies, list(model.variables), dimod.SPIN, num_reads, seed, cost)

    def sample_cqm(
        self, cqm: dimod.ConstrainedQuadraticModel, *, num_reads: int = 10, seed: int | None = None
    ) -> dimod.SampleSet:
        """The ``num_reads`` best states of a CQM: feasible ones by objective first (dimod's
        CQM sample-set fields ``is_satisfied``, ``is_feasible``)."""
        return enumerate_cqm(cqm, num_reads=num_reads, seed=seed)

    def sample_nlm(
        self, model: Any, *, num_reads: int = 10, seed: int | None = None
    ) -> dimod.SampleSet:
        """The ``num_reads`` lowest-objective states of a nonlinear model's binary decisions
        (an NL sample set; the model's states are scratch space, left empty)."""
        energies, n = nl_energies(model)
        labels: list[Hashable] = list(range(n))
        cost = _CHUNK_ENTRIES // NL_CHUNK  # the model holds NL_CHUNK states at a time
        return _enumerate(energies, labels, dimod.BINARY, num_reads, seed, cost, "nl")


def _labelled_energies(target: Any, labels: Sequence[Hashable]) -> EnergyFunction:
    binary = target.vartype is dimod.BINARY

    def energies(first: int, states: np.ndarray) -> np.ndarray:
        values = (states + 1) // 2 if binary else states
        return np.asarray(target.energies((values, labels)), dtype=np.float64)

    return energies


def _lookup(table: np.ndarray) -> EnergyFunction:
    def energies(first: int, states: np.ndarray) -> np.ndarray:
        return table[first : first + len(states)]

    return energies


def polynomial_energy_table(
    polynomial: dimod.BinaryPolynomial, labels: Sequence[Hashable]
) -> np.ndarray:
    """The energy of every state, indexed as :mod:`qanneal._states` enumerates them.

    With s_i = +1 where bit i of x is set, Π_{i∈S} s_i = (−1)^{|S|} (−1)^{popcount(S & x)},
    so E(x) = Σ_S c_S (−1)^{|S|} (−1)^{popcount(S & x)}: the Walsh–Hadamard transform of
    the sign-adjusted coefficients, O(n 2^n) instead of O(terms · 2^n).

    >>> poly = dimod.BinaryPolynomial({("a",): 1.0, ("a", "b"): -2.0, (): 0.5}, dimod.SPIN)
    >>> polynomial_energy_table(poly, ["a", "b"]).tolist()   # (a, b) = (-,-) (+,-) (-,+) (+,+)
    [-2.5, 3.5, 1.5, -0.5]
    """
    spin = polynomial if polynomial.vartype is dimod.SPIN else polynomial.to_spin(copy=True)
    index = {label: i for i, label in enumerate(labels)}
    values = np.zeros(2 ** len(labels))
    for term, bias in spin.items():
        mask = sum(1 << index[v] for v in term)
        values[mask] += -bias if len(term) % 2 else bias
    half = 1
    while half < values.size:  # in-place butterflies (a, b) -> (a + b, a - b) on bit log2(half)
        pairs = values.reshape(-1, 2, half)
        low = pairs[:, 0, :].copy()
        pairs[:, 0, :] += pairs[:, 1, :]
        pairs[:, 1, :] = low - pairs[:, 1, :]
        half *= 2
    return values


def _enumerate(
    energies: EnergyFunction,
    labels: list[Hashable],
    vartype: dimod.Vartype,
    num_reads: int,
    seed: int | None,
    cost_per_state: int = 0,
    kind: str = "",
) -> dimod.SampleSet:
    num_reads, seed = check_num_reads(num_reads), check_seed(seed)
    n = len(labels)
    limit = MAX_NL_VARIABLES if kind == "nl" else MAX_EXACT_VARIABLES
    if n > limit:
        raise too_many(kind, n, limit)
    watch = Stopwatch()
    chunk = max(1, _CHUNK_ENTRIES // max(1, cost_per_state or n))
    best_states = np.empty((0, n), dtype=np.int8)
    best_energies = np.empty(0)
    ground = Ground()
    control = current_control()
    total = 2**n
    for first in range(0, total, chunk):
        states = enumerate_states(first, min(first + chunk, total), n)
        values = energies(first, states)
        ground.update(values)
        best_states, best_energies = keep_lowest(
            best_states, best_energies, states, values, num_reads
        )
        control.checkpoint(min(first + chunk, total), total)
    watch.lap("sampling_ns")
    info = sampler_info(
        watch,
        {"method": "enumeration", "num_states": total},
        "exact",
        {
            "ground_energy": ground.energy,
            "ground_degeneracy": ground.degeneracy,
            "num_states": total,
        },
    )
    values = best_states if vartype is dimod.SPIN else (best_states + 1) // 2
    return dimod.SampleSet.from_samples(
        (values, labels), vartype=vartype, energy=best_energies, info=info, sort_labels=False
    )
