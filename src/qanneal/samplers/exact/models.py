"""Exact enumeration of the two model kinds that are not energies over spins: a constrained
quadratic model (``cqm``) and a dwave-optimization nonlinear model (``nl``).

- **CQM** (as dimod's ``ExactCQMSolver``, in chunks and keeping only the best states): every
  state of the CQM's binary and spin variables; a state's energy is the objective, and the
  states kept are the feasible ones with the lowest objective, then — when fewer states
  than ``num_reads`` are feasible — the infeasible ones with the smallest total violation
  Σ_c max(0, rhs_c − lhs_c) (then the lowest objective). The sample set is dimod's CQM form
  (``SampleSet.from_samples_cqm``: INTEGER vartype, ``is_satisfied`` per constraint,
  ``is_feasible``). ``info["exact"]`` counts the feasible states and the feasible ground
  states (lowest objective among the feasible ones).
- **NL**: every 0/1 state of the model's binary decision arrays (an NL sample set's
  variables, :mod:`qanneal.hubo.nl`), scored with the model's own objective. The model
  evaluates one state at a time (about 10–15 µs a state on a 2-core machine), so ``nl``
  takes at most :data:`MAX_NL_VARIABLES` = 20 bits (2^20 states, ~15 s) rather than the
  24 of the other kinds (~4 min). The model's states are scratch space during the call and
  are left empty. Models with constraints are refused (feasibility is not modelled here).

Example:
    >>> import dimod
    >>> x, y = dimod.Binaries(["x", "y"])
    >>> cqm = dimod.ConstrainedQuadraticModel()
    >>> cqm.set_objective(x + 2 * y)
    >>> _ = cqm.add_constraint(x + y >= 1, label="c")
    >>> best = enumerate_cqm(cqm, num_reads=2, seed=None)
    >>> rows = best.data(["sample", "energy", "is_feasible"])
    >>> [(int(s["x"]), int(s["y"]), float(e), bool(f)) for s, e, f in rows]
    [(1, 0, 1.0, True), (0, 1, 2.0, True)]
    >>> best.info["exact"]["feasible_states"], best.info["exact"]["ground_degeneracy"]
    (3, 1)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dimod
import numpy as np

from qanneal._states import enumerate_states
from qanneal.errors import ResourceError, SamplerError
from qanneal.hubo.cqm import violations
from qanneal.hubo.nl import num_binary_variables, objective_values
from qanneal.samplers.base import Stopwatch, check_num_reads, check_seed, current_control
from qanneal.samplers.base import sampler_info as _info

MAX_EXACT_VARIABLES = 24
MAX_NL_VARIABLES = 20
_CHUNK_ENTRIES = 2**22
NL_CHUNK = 4096  # states the model holds at once
_TOLERANCE = 1e-9


def too_many(kind: str, n: int, limit: int) -> ResourceError:
    """The error for a target (of ``kind``, if given) with ``n`` variables, over ``limit``."""
    instead = {"cqm": "sampler 'hybrid-cqm'", "nl": "sampler 'hybrid-nl'"}.get(kind, "sampler 'sa'")
    what = f" in a {kind} target" if kind else ""
    return ResourceError(
        f"sampler 'exact' enumerates 2^n states and takes at most {limit} variables{what}; "
        f"this target has {n}: use {instead} or a smaller model"
    )


@dataclass
class Ground:
    """The lowest energy seen so far and how many states reach it (within a tolerance)."""

    energy: float = np.inf
    degeneracy: int = 0

    def update(self, values: np.ndarray) -> None:
        if not len(values):
            return
        low = float(values.min())
        if low < self.energy - _TOLERANCE:
            self.energy, self.degeneracy = low, 0
        self.degeneracy += int(np.sum(np.abs(values - self.energy) <= _TOLERANCE))


def keep_lowest(
    kept: np.ndarray, kept_keys: np.ndarray, states: np.ndarray, keys: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` states of lowest key among those kept so far and a new chunk, in key
    order; ``keys`` has one value per state, or one row compared column by column. Ties keep
    the earlier state, so the result does not depend on the chunk size.

    >>> none = np.empty((0, 1), dtype=np.int8)
    >>> chunk = np.array([[1], [2], [3]], dtype=np.int8)
    >>> states, keys = keep_lowest(none, np.empty(0), chunk, np.array([5.0, 1.0, 1.0]), 2)
    >>> states.ravel().tolist(), keys.tolist()
    ([2, 3], [1.0, 1.0])
    """
    states = np.vstack([kept, states])
    keys = np.concatenate([kept_keys, keys])
    order = np.lexsort(keys.T[::-1] if keys.ndim == 2 else (keys,))[:count]
    return states[order], keys[order]


def _values(states: np.ndarray, spins: np.ndarray) -> np.ndarray:
    """±1 states as the CQM's values: spins stay ±1, binaries become 0/1."""
    return np.where(spins[None, :], states, (states + 1) // 2).astype(np.int8)


def enumerate_cqm(
    cqm: dimod.ConstrainedQuadraticModel, *, num_reads: int, seed: int | None
) -> dimod.SampleSet:
    """The ``num_reads`` best states of ``cqm`` (see the module docstring)."""
    num_reads, _ = check_num_reads(num_reads), check_seed(seed)
    labels = list(cqm.variables)
    kinds = {cqm.vartype(v) for v in labels}
    if not kinds <= {dimod.BINARY, dimod.SPIN}:
        raise SamplerError(
            "sampler 'exact' enumerates binary and spin variables; this CQM has "
            f"{', '.join(sorted(k.name for k in kinds - {dimod.BINARY, dimod.SPIN}))} ones"
        )
    n = len(labels)
    if n > MAX_EXACT_VARIABLES:
        raise too_many("cqm", n, MAX_EXACT_VARIABLES)
    spins = np.array([cqm.vartype(v) is dimod.SPIN for v in labels], dtype=bool)
    watch = Stopwatch()
    chunk = max(1, _CHUNK_ENTRIES // max(1, n * (1 + len(cqm.constraints))))
    kept = np.empty((0, n), dtype=np.int8)
    keys = np.empty((0, 2))  # (total violation, objective) of the kept states
    feasible, ground = 0, Ground()
    total, control = 2**n, current_control()
    for first in range(0, total, chunk):
        values = _values(enumerate_states(first, min(first + chunk, total), n), spins)
        objective = np.asarray(cqm.objective.energies((values, labels)), dtype=np.float64)
        violation = violations(cqm, values, labels).sum(axis=1)
        ok = violation <= _TOLERANCE
        feasible += int(ok.sum())
        ground.update(objective[ok])
        ranks = np.column_stack([np.where(ok, 0.0, violation), objective])
        kept, keys = keep_lowest(kept, keys, values, ranks, num_reads)
        control.checkpoint(min(first + chunk, total), total)
    watch.lap("sampling_ns")
    info = _info(
        watch,
        {"method": "enumeration", "num_states": total},
        "exact",
        {
            "ground_energy": ground.energy if feasible else None,
            "ground_degeneracy": ground.degeneracy,
            "feasible_states": feasible,
            "num_states": total,
        },
    )
    return dimod.SampleSet.from_samples_cqm((kept, labels), cqm, info=info)


def nl_energies(model: Any) -> tuple[Callable[[int, np.ndarray], np.ndarray], int]:
    """(objective of a chunk of ±1 states, number of bits) of an unconstrained nonlinear
    model with binary decisions (bit k of a state is variable k of its NL sample set); the
    energy function takes the chunk's first state's integer too, as the enumeration's do."""
    if model.num_constraints():
        raise SamplerError(
            f"sampler 'exact' enumerates unconstrained nonlinear models; this one has "
            f"{model.num_constraints()} constraints"
        )

    def energies(first: int, states: np.ndarray) -> np.ndarray:
        return objective_values(model, (states + 1) // 2)

    return energies, num_binary_variables(model)
