"""Chain strength and chain-break resolution.

Chain strength (``[solve.params] chain_strength``):

- ``"uniform_torque_compensation"`` (default): √(mean degree) × RMS coupling × 1.414, the
  strength that holds a chain against the random torque of its neighbours (dwave.embedding);
- ``"scaled"``: the largest absolute bias of the problem;
- a number: that strength, in the units of the problem's SPIN form;
- ``"auto"``: a short scan. Strengths ``factor × uniform_torque_compensation`` for the
  factors in :data:`AUTO_FACTORS` are tried in increasing order, each with a few reads, and
  the weakest one whose chain-break fraction stays under ``chain_break_threshold``
  (default 0.05) is used for the run. The trade-off: a weak chain breaks, and a broken
  chain's value is a vote, not a sample of the problem; a strong chain holds, but the QPU
  scales every bias into its fixed range, so the problem's own couplings shrink relative
  to the chains and to the QPU's noise (less precision, a hotter effective
  temperature). The weakest strength that holds keeps the most precision. Each scan
  point is a QPU submission: it costs access time (recorded in the ledger).

Chain-break resolution (``chain_break_method``): ``"majority_vote"`` (default),
``"discard"`` (drop samples with any broken chain), ``"minimize_energy"`` (dwave.embedding's
MinimizeEnergy: set broken chains greedily to lower the logical energy), or
``"weighted_random"``.

Example:
    >>> import dimod
    >>> bqm = dimod.BQM({}, {("a", "b"): -1.0, ("b", "c"): 0.5}, 0.0, "SPIN")
    >>> round(chain_strength_value("scaled", bqm), 3)
    1.0
    >>> round(chain_strength_value(2.5, bqm), 3)
    2.5
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dimod
import numpy as np

from qanneal.errors import SamplerError

AUTO_FACTORS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
STRENGTH_METHODS = ("uniform_torque_compensation", "scaled", "auto")
BREAK_METHODS = ("majority_vote", "discard", "minimize_energy", "weighted_random")


def check_chain_strength(value: Any) -> None:
    """A SamplerError unless ``value`` is a known method name or a positive number."""
    if isinstance(value, bool) or not (
        value in STRENGTH_METHODS or (isinstance(value, int | float) and value > 0)
    ):
        raise SamplerError(
            f"[solve.params] chain_strength = {value!r} must be a positive number or one of "
            f"{', '.join(STRENGTH_METHODS)}"
        )


def chain_strength_value(method: Any, bqm: dimod.BQM, factor: float = 1.0) -> float:
    """The strength (SPIN units) for a method name or a number; ``auto`` starts from
    uniform torque compensation times ``factor``."""
    from dwave.embedding.chain_strength import scaled, uniform_torque_compensation

    check_chain_strength(method)
    if not isinstance(method, str):
        return float(method)
    spin = bqm.spin
    if method == "scaled":
        return float(scaled(spin))
    return float(uniform_torque_compensation(spin)) * factor


def check_break_method(name: Any) -> None:
    if name not in BREAK_METHODS:
        raise SamplerError(
            f"[solve.params] chain_break_method = {name!r} must be one of "
            f"{', '.join(BREAK_METHODS)}"
        )


def break_method(name: str, bqm: dimod.BQM, embedding: dict[Any, Any]) -> Callable[..., Any]:
    """The dwave.embedding chain-break function for ``name``."""
    from dwave.embedding import chain_breaks

    check_break_method(name)
    if name == "minimize_energy":
        return chain_breaks.MinimizeEnergy(bqm, embedding)
    function: Callable[..., Any] = getattr(chain_breaks, name)
    return function


def broken_fraction(sampleset: dimod.SampleSet, chains: list[list[int]]) -> float:
    """Share of chains broken, averaged over reads (weighted by occurrences)."""
    from dwave.embedding import broken_chains

    if not len(sampleset) or not chains:
        return 0.0
    broken = broken_chains(sampleset, [tuple(c) for c in chains])
    weights = sampleset.record.num_occurrences
    return float(np.average(broken.mean(axis=1), weights=weights))


def pick_auto(scan: list[dict[str, float]], threshold: float) -> float:
    """The weakest scanned strength whose chain-break fraction is at most ``threshold``;
    the strongest scanned if none is.

    Example:
        >>> pick_auto([{"chain_strength": 1.0, "chain_break_fraction": 0.3},
        ...            {"chain_strength": 2.0, "chain_break_fraction": 0.01}], 0.05)
        2.0
    """
    holding = [p["chain_strength"] for p in scan if p["chain_break_fraction"] <= threshold]
    if holding:
        return float(min(holding))
    return float(max(p["chain_strength"] for p in scan))
