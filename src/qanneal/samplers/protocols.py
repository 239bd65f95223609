"""What ``pimc`` and ``sa`` do when they are not told: every default-protocol rule, named.

A rule looks at what the sampler was given — the kind of target (a native perceptron or
BiNN energy, a BQM, a polynomial), the number of variables and the single-flip energy
changes of a few random states — and returns a protocol: every value it chose, the
rule's name and which keys the caller set instead. Samplers record it in
``info["protocol"]`` (and so in the run record); any key can be overridden, and the rule
fills in the others around it.

Rules
    ``perceptron-quantum`` (``pimc`` on a perceptron's native energy): Baldassi &
    Zecchina's schedule, made to solve their instance. Γ is held in 30 equal stages on
    the line from 2.5 to 0.01 at fixed β, then 20 classical sweeps at β; their M = 32,
    β = 32 is doubled to M = 64, β = 64 (the same β/M per slice, hence the same ring
    coupling J⊥, at half the temperature), which solves N = 1001, α = 0.6 on instances no
    tuning saw (benchmarks/README.md, Baldassi–Zecchina). Sweeps per stage grow with the
    number of weights, ⌈8 N / 1001⌉. β and Γ are in units of the perclinear energy
    quantum 2/√fan_in (one pattern's loss moves in multiples of it); for another loss they
    are rescaled by the smallest non-zero flip energy seen.
    ``binn-ramp`` (``pimc`` on a BiNN): the ``energy-ramp`` schedule below on the native
    energy — M = 16, β rising linearly from 1/q to 256/m while Γ falls linearly from q to
    m/100, 1000 sweeps, local moves only. Here and below m is the smallest non-zero flip
    energy at a few random states and q the median flip energy at zero-temperature minima
    (a short quench from the random states: the scale of the barriers an anneal ends
    among; random states alone give penalty-dominated scales hundreds of times larger on a
    slack QUBO). It replaced ``binn-quantum`` (β fixed at ln 100 / m,
    Γ the same, local + cluster moves) after solving 192 of 200 reads on held-out teacher
    BiNNs where that solved 81, in 0.42× its time (benchmarks/README.md, "The default β
    on BiNNs").
    ``energy-ramp`` (``pimc`` on a BQM or a polynomial): M = 16, β rises linearly over the
    sweeps from 1/q (a typical flip near the minima accepted with probability 1/e; at most
    the end value) to 256/m (frozen: the last sweeps are a quench, as OpenJij's schedule
    ends at β = 5), while Γ falls linearly from q to m/100; 1000 sweeps, local moves only
    (the most per second on BQMs: benchmarks/README.md, PIMC moves). A fixed ``beta`` given
    instead holds β there. Tuned on slack QUBOs and ±J glasses of seeds 10–19, it replaced
    the earlier ``energy-scale`` rule (β fixed at ln 100 / m, which left reads thermal at
    the end) after beating it on seeds 20–39: benchmarks/README.md, "The default β on BQMs".
    ``paper`` (``pimc`` with ``protocol="paper"``): Baldassi–Zecchina as published —
    M = 32, β = 32, Γ 2.5 → 0.01 in 30 stages, τ = 100 sweeps of rejection-free (RRRMC)
    moves, 20 final classical sweeps.
    ``sa-energy-scale`` (``sa``): geometric β from ln 2 / max|ΔE| to ln 100 / min|ΔE|
    (:func:`qanneal.samplers.schedules.default_beta_range`); 1000 sweeps, or 10 per
    weight on models of more than 100 (the search space grows with N, and so does the
    quantum rule's budget).

Example:
    >>> import numpy as np
    >>> target = Target("perceptron", 1001, np.array([2 / np.sqrt(1001), 1.5]), 1001)
    >>> protocol = pimc_protocol(target)
    >>> protocol.rule, protocol.trotter, protocol.beta, protocol.num_sweeps
    ('perceptron-quantum', 64, 64.0, 240)
    >>> mine = pimc_protocol(target, trotter=32)
    >>> mine.trotter, mine.beta, mine.given
    (32, 64.0, ('trotter',))

    On a BQM, flips of 2 and 8 at random states and of 4 at the quenched ones (m = 2, q = 4):

    >>> bqm = pimc_protocol(Target("bqm", 5, np.array([2.0, -8.0]), None, np.array([4.0])))
    >>> bqm.rule, bqm.beta_start, bqm.beta, bqm.gamma
    ('energy-ramp', 0.25, 128.0, (4.0, 0.02, 'linear'))

    A BiNN with the same flips gets the same schedule under its own name:

    >>> binn = pimc_protocol(Target("binn", 5, np.array([2.0, -8.0]), 3, np.array([4.0])))
    >>> binn.rule, binn.beta_start, binn.beta, binn.moves
    ('binn-ramp', 0.25, 128.0, ('local',))
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from qanneal.samplers.schedules import (
    default_beta_range,
    gamma_endpoints,
    gamma_schedule,
    stage_values,
)

TARGET_KINDS = ("perceptron", "binn", "bqm", "polynomial")
PROTOCOLS = ("auto", "paper")
REFERENCE_INPUTS = 1001  # the Baldassi–Zecchina size the perceptron rule was set on
STAGES = 30


@dataclass(frozen=True)
class Target:
    """What a rule sees of the problem."""

    kind: str  # one of TARGET_KINDS
    num_variables: int
    flip_energies: np.ndarray  # ΔE of single flips from a few random states
    fan_in: int | None = None  # native models: terms feeding the output unit
    quenched_flip_energies: np.ndarray | None = None  # the same at zero-temperature minima

    def energy_range(self) -> tuple[float, float] | None:
        """(smallest, largest) non-zero |ΔE| seen; None when every flip was free."""
        nonzero = _nonzero(self.flip_energies)
        return (float(nonzero.min()), float(nonzero.max())) if nonzero.size else None

    def local_scale(self) -> float | None:
        """Median non-zero |ΔE| at the quenched states: what a flip costs near the minima
        an anneal ends in (None without quenched states, or when all their flips are free)."""
        if self.quenched_flip_energies is None:
            return None
        nonzero = _nonzero(self.quenched_flip_energies)
        return float(np.median(nonzero)) if nonzero.size else None


def _nonzero(flips: np.ndarray) -> np.ndarray:
    magnitudes = np.abs(np.asarray(flips, dtype=np.float64))
    return magnitudes[magnitudes > 1e-12]


@dataclass(frozen=True)
class PIMCProtocol:
    """A complete ``pimc`` protocol. Γ per quantum sweep: ``gamma_values`` when given,
    else the ``gamma`` = (start, end, shape) curve, held constant in ``gamma_stages``
    equal stages when that is set; β is fixed unless ``beta_values`` gives one per sweep
    or ``beta_start`` is set (β then rises linearly from it to ``beta``)."""

    rule: str
    trotter: int
    beta: float
    gamma: tuple[float, float, str]
    gamma_stages: int | None
    num_sweeps: int
    final_classical_sweeps: int
    moves: tuple[str, ...]
    given: tuple[str, ...] = ()
    gamma_values: tuple[float, ...] | None = None
    beta_values: tuple[float, ...] | None = None
    beta_start: float | None = None

    def gammas(self) -> np.ndarray:
        """Γ of every quantum sweep."""
        if self.gamma_values is not None:
            return np.asarray(self.gamma_values, dtype=np.float64)
        if self.gamma_stages:
            return stage_values(gamma_schedule(self.gamma, self.gamma_stages), self.num_sweeps)
        return gamma_schedule(self.gamma, self.num_sweeps)

    def betas(self) -> np.ndarray:
        """β of every quantum sweep."""
        if self.beta_values is not None:
            return np.asarray(self.beta_values, dtype=np.float64)
        if self.beta_start is not None:
            return np.linspace(float(self.beta_start), float(self.beta), self.num_sweeps)
        return np.full(self.num_sweeps, float(self.beta))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the rule, every value it chose, and the keys the caller set."""
        record = asdict(self)
        for key in ("gamma", "moves", "given"):
            record[key] = list(record[key])
        if record["beta_start"] is None:
            del record["beta_start"]
        for key in ("gamma_values", "beta_values"):
            if record[key] is None:
                del record[key]
            else:
                record[key] = list(record[key])
        return record


def perceptron_sweeps_per_stage(num_variables: int) -> int:
    """⌈8 N / 1001⌉ sweeps per stage (8 at the Baldassi–Zecchina size).

    >>> [perceptron_sweeps_per_stage(n) for n in (101, 401, 1001, 2001)]
    [1, 4, 8, 16]
    """
    return max(1, math.ceil(8 * num_variables / REFERENCE_INPUTS))


def _perceptron_rule(target: Target) -> PIMCProtocol:
    """``perceptron-quantum`` (module docstring)."""
    reference = 2.0 / math.sqrt(target.fan_in or target.num_variables)
    seen = target.energy_range()
    scale = 1.0 if seen is None or math.isclose(seen[0], reference) else seen[0] / reference
    return PIMCProtocol(
        "perceptron-quantum",
        trotter=64,
        beta=64.0 / scale,
        gamma=(2.5 * scale, 0.01 * scale, "linear"),
        gamma_stages=STAGES,
        num_sweeps=STAGES * perceptron_sweeps_per_stage(target.num_variables),
        final_classical_sweeps=20,
        moves=("local", "cluster"),
    )


RAMP_END = 256.0  # the ramps' final β, in units of 1 / (smallest flip energy)


def _energy_ramp_rule(target: Target) -> PIMCProtocol:
    """``energy-ramp`` on a BQM or a polynomial, ``binn-ramp`` on a BiNN (module
    docstring): the same schedule, named apart because each was measured on its own
    instances."""
    low, high = target.energy_range() or (1.0, 1.0)
    typical = target.local_scale() or high
    return PIMCProtocol(
        "binn-ramp" if target.kind == "binn" else "energy-ramp",
        trotter=16,
        beta=RAMP_END / low,
        gamma=(typical, 0.01 * low, "linear"),
        gamma_stages=None,
        num_sweeps=1000,
        final_classical_sweeps=0,
        moves=("local",),
        beta_start=min(1.0 / typical, RAMP_END / low),  # never a falling ramp
    )


PAPER = PIMCProtocol(
    "paper",
    trotter=32,
    beta=32.0,
    gamma=(2.5, 0.01, "linear"),
    gamma_stages=STAGES,
    num_sweeps=100,
    final_classical_sweeps=20,
    moves=("rejection_free",),
)


def pimc_protocol(target: Target, protocol: str = "auto", **given: Any) -> PIMCProtocol:
    """The ``pimc`` protocol for ``target`` by the named rule, with every ``given`` key
    replacing the rule's choice: PIMCProtocol fields, ``gamma_schedule`` ((start, end[,
    shape]) or one value per sweep) and ``beta_schedule`` (one value per sweep). None
    counts as not given."""
    if target.kind not in TARGET_KINDS:
        raise ValueError(f"unknown target kind {target.kind!r}; kinds: {', '.join(TARGET_KINDS)}")
    if protocol == "paper":
        base = PAPER
    elif protocol == "auto":
        rule = _perceptron_rule if target.kind == "perceptron" else _energy_ramp_rule
        base = rule(target)
    else:
        raise ValueError(f"protocol = {protocol!r}: choose from {', '.join(PROTOCOLS)}")
    chosen = {key: value for key, value in given.items() if value is not None}
    fields = _fields(chosen)
    if "beta" in chosen or "beta_schedule" in chosen:
        fields["beta_start"] = None  # a given β is held (or followed) as given
    result = replace(base, **fields, given=tuple(sorted(chosen)))
    stages = result.gamma_stages
    if stages and "gamma_stages" not in chosen and stages > result.num_sweeps:
        result = replace(result, gamma_stages=result.num_sweeps)  # fewer sweeps than stages
    return result


def _fields(chosen: dict[str, Any]) -> dict[str, Any]:
    """PIMCProtocol fields for the keys a caller gave."""
    fields = {k: v for k, v in chosen.items() if k not in ("gamma_schedule", "beta_schedule")}
    if "moves" in fields:
        fields["moves"] = tuple(fields["moves"])
    gamma = chosen.get("gamma_schedule")
    if gamma is not None:
        endpoints = gamma_endpoints(gamma)
        if endpoints is not None:
            fields["gamma"] = endpoints
        else:
            values = tuple(float(v) for v in np.asarray(gamma, dtype=np.float64).ravel())
            fields.update(gamma_values=values, num_sweeps=len(values))
    beta = chosen.get("beta_schedule")
    if beta is not None:
        values = tuple(float(v) for v in np.asarray(beta, dtype=np.float64).ravel())
        fields.update(beta_values=values, num_sweeps=len(values))
    return fields


def sa_sweeps(num_variables: int) -> int:
    """max(1000, 10 N): the ``sa-energy-scale`` budget.

    >>> [sa_sweeps(n) for n in (21, 101, 1001)]
    [1000, 1010, 10010]
    """
    return max(1000, 10 * num_variables)


@dataclass(frozen=True)
class SAProtocol:
    """A complete ``sa`` protocol."""

    rule: str
    beta_range: tuple[float, float]
    beta_schedule_type: str
    num_sweeps: int
    given: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "beta_range": list(self.beta_range), "given": list(self.given)}


def sa_protocol(target: Target, **given: Any) -> SAProtocol:
    """The ``sa`` protocol for ``target`` (rule ``sa-energy-scale``) with the ``given``
    keys (``beta_range``, ``beta_schedule_type``, ``num_sweeps``) in place of the rule's.

    >>> chosen = sa_protocol(Target("perceptron", 3, np.array([1.0, 2.0])), num_sweeps=50)
    >>> chosen.rule, chosen.num_sweeps, chosen.given, [round(b, 3) for b in chosen.beta_range]
    ('sa-energy-scale', 50, ('num_sweeps',), [0.347, 4.605])
    """
    chosen = {key: value for key, value in given.items() if value is not None}
    base = SAProtocol(
        "sa-energy-scale",
        default_beta_range(target.flip_energies),
        "geometric",
        sa_sweeps(target.num_variables),
    )
    if "beta_range" in chosen:
        chosen["beta_range"] = tuple(float(b) for b in chosen["beta_range"])
    return replace(base, **chosen, given=tuple(sorted(chosen)))
