"""Exact ground states of a native model energy by enumerating all 2^n weight vectors.

States are generated in chunks (Gray-code order is not needed: each chunk is the
binary expansion of a range of integers) and scored with the model's vectorised
``energy``; only the ``num_reads`` lowest states are kept, so memory stays
O(chunk · P) whatever n is. ``info`` reports the ground energy and how many weight
vectors reach it (the degeneracy), which tests and the dynamics module use as truth.

Example:
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1, 1, -1]]), np.array([1]))
    >>> sampleset = NativeExactSolver().sample(model, num_reads=2)
    >>> float(sampleset.first.energy), sampleset.info["ground_degeneracy"]
    (0.0, 4)
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import dimod
import numpy as np

from qanneal._states import enumerate_states
from qanneal.models import BinaryModel

MAX_EXACT_VARIABLES = 24
_CHUNK_ENTRIES = 2**22  # states × patterns × widest layer per chunk


class NativeExactSolver:
    """Exhaustive search over the weights of a BinaryPerceptron / BinaryNeuralNetwork."""

    parameters: ClassVar[dict[str, list[str]]] = {"num_reads": []}
    properties: ClassVar[dict[str, Any]] = {"max_variables": MAX_EXACT_VARIABLES}

    def sample(self, model: BinaryModel, *, num_reads: int = 10) -> dimod.SampleSet:
        n = model.num_variables
        if n > MAX_EXACT_VARIABLES:
            raise ValueError(
                f"exact enumeration of {n} variables is too large "
                f"(limit {MAX_EXACT_VARIABLES}); use sampler 'sa'"
            )
        start = time.perf_counter_ns()
        width = max([model.num_inputs, *getattr(model, "hidden", [])])
        chunk = max(1, _CHUNK_ENTRIES // max(1, model.num_patterns * width))
        best_states = np.empty((0, n), dtype=np.int8)
        best_energies = np.empty(0)
        ground, degeneracy = np.inf, 0
        for first in range(0, 2**n, chunk):
            states = enumerate_states(first, min(first + chunk, 2**n), n)
            energies = np.atleast_1d(np.asarray(model.energy(states), dtype=np.float64))
            low = energies.min()
            if low < ground - 1e-9:
                ground, degeneracy = low, 0
            degeneracy += int(np.sum(np.abs(energies - ground) <= 1e-9))
            keep = np.argsort(energies, kind="stable")[:num_reads]
            best_states = np.vstack([best_states, states[keep]])
            best_energies = np.concatenate([best_energies, energies[keep]])
            order = np.argsort(best_energies, kind="stable")[:num_reads]
            best_states, best_energies = best_states[order], best_energies[order]
        info = {
            "timing": {"sampling_ns": time.perf_counter_ns() - start},
            "ground_energy": float(ground),
            "ground_degeneracy": degeneracy,
            "num_states": 2**n,
        }
        return dimod.SampleSet.from_samples(
            (best_states, model.variables),
            vartype=dimod.SPIN,
            energy=best_energies,
            info=info,
            sort_labels=False,
        )
