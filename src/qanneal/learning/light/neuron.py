"""LIGHT (LogIstic Growth with HarvesTing): the neuron model of Kulikovskikh–Legović.

A population of impulses N(t) grows from N(0) = N0 by the generalised (Richards)
logistic law up to a harvest time T, and from T on is also harvested at per-capita
rate E::

    dN/dt = (r/q) · N · (1 − N^q)              t < T
    dN/dt = (r/q) · N · (1 − N^q) − E · N      t ≥ T

Both phases have closed forms. With u = N^(−q) the growth law becomes du/dt = −r(u − 1),
so (Richards 1959)::

    N(t) = [1 + (N0^(−q) − 1) · e^(−r t)]^(−1/q)                         t < T

From T on, (r/q)N(1 − N^q) − EN = (r'/q)·N·(1 − (N/ε)^q) is again a Richards law, with
rate r' = r − qE and carrying capacity ε = (1 − qE/r)^(1/q); starting from N_T = N(T)::

    N(t) = ε · [1 + ((N_T/ε)^(−q) − 1) · e^(−r' (t − T))]^(−1/q)          t ≥ T

so N is continuous at T, tends to 0 as t → −∞ and to ε as t → +∞. The paper's own
formula (its eq. 5, a q-logarithm form) is garbled in the extracted text; the ODE above
is the definition we implement. Special cases (all tested):

- q = 1, T = 0, N0 = 1/2, r = 1, E = 0: the logistic sigmoid 1/(1 + e^(−t)), exactly;
- q = 1: the Verhulst law N0 e^(rt) / (1 − N0 + N0 e^(rt)) (with harvesting: Verhulst
  with rate r − E and capacity 1 − E/r);
- q → 0: the Gompertz law N = exp(ln N0 · e^(−rt)) (with harvesting:
  N = exp(−E/r + (ln N_T + E/r) e^(−r(t−T)))); q = 0 exactly is that limit.

The small-q forms are evaluated with ``expm1``/``log1p``, so q = 1e-12 agrees with the
Gompertz law to rounding. Values stay in (0, 1) for 0 < N0 < 1. With E = 0 the function
is increasing everywhere (a generalised sigmoid, :func:`light_activation`); with E > 0
it rises until T and then relaxes monotonically towards ε (down if N_T > ε). The
derivative is the right-hand side of the ODE (:func:`light_derivative`); with E > 0 it
jumps at T by −E·N_T.

Example:
    >>> import numpy as np
    >>> t = np.array([-2.0, 0.0, 3.0])
    >>> np.allclose(light(t, r=1, E=0, T=0, q=1, N0=0.5), 1 / (1 + np.exp(-t)))
    True
    >>> round(float(light(100.0, r=1, E=0.5, T=2, q=1, N0=0.5)), 6)  # ε = 1 − qE/r
    0.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qanneal.errors import TrainingError


@dataclass(frozen=True)
class LightParams:
    """Parameters of LIGHT: growth rate r > 0, harvest rate 0 ≤ E < r/q, harvest time T ≥ 0,
    shape q ≥ 0 (1: Verhulst, 0: Gompertz) and the population at t = 0, 0 < N0 < 1.

    ``T = inf`` means no harvesting at all. The defaults are the logistic sigmoid.

    Example:
        >>> LightParams().epsilon, LightParams(E=0.5, q=1.0).epsilon
        (1.0, 0.5)
    """

    r: float = 1.0
    E: float = 0.0
    T: float = 0.0
    q: float = 1.0
    N0: float = 0.5

    def __post_init__(self) -> None:
        def bad(name: str, value: object, rule: str) -> TrainingError:
            return TrainingError(f"LIGHT parameter {name} = {value!r} {rule}")

        for name in ("r", "E", "T", "q", "N0"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise bad(name, value, "must be a number")
            if math.isnan(value):
                raise bad(name, value, "must not be NaN")
        if not (math.isfinite(self.r) and self.r > 0):
            raise bad("r", self.r, "must be a finite growth rate > 0; e.g. 1.0")
        if not (math.isfinite(self.q) and self.q >= 0):
            raise bad("q", self.q, "must be >= 0 (1: Verhulst, 0: Gompertz)")
        if not 0.0 < self.N0 < 1.0:
            raise bad("N0", self.N0, "must be in (0, 1); e.g. 0.5")
        if not (math.isfinite(self.E) and self.E >= 0):
            raise bad("E", self.E, "must be a finite harvest rate >= 0")
        if self.q * self.E >= self.r:
            raise bad(
                "E", self.E, f"must be < r/q = {self.r / self.q:g} (else the population dies out)"
            )
        if self.E > 0 and self.epsilon == 0.0:
            raise bad(
                "E", self.E, "is so large that the limit ε = (1 − qE/r)^(1/q) underflows to 0"
            )
        if self.T < 0:
            raise bad("T", self.T, "must be >= 0 (N0 is the population at t = 0), or inf")

    @property
    def epsilon(self) -> float:
        """The limit at t → +∞: ε = (1 − qE/r)^(1/q), e^(−E/r) at q = 0 (1 without harvest)."""
        if self.T == math.inf or self.E == 0:
            return 1.0
        return float(_richards_capacity(self.r, self.E, self.q))


GOMPERTZ_Q = 1e-12
"""Below this q the Gompertz (q → 0) forms are used: the Richards forms differ from them by
O(q), and for denormal q their expm1 underflows (0 · ∞ at t → −∞)."""


def _richards_capacity(r: float, harvest: float, q: float) -> float:
    if q < GOMPERTZ_Q:
        return math.exp(-harvest / r)
    return math.exp(math.log1p(-q * harvest / r) / q)


def _richards(
    t: np.ndarray, rate: float, q: float, start: float, capacity: float
) -> tuple[np.ndarray, np.ndarray]:
    """Richards solution with N(0) = start and limit ``capacity``, and its derivative;
    stable for q → 0.

    N/K = (1 + u)^(−1/q) with u = a e^(−rate t), a = (start/K)^(−q) − 1 =
    expm1(−q ln(start/K)), evaluated as exp(−log1p(u)/q); dN/dt = (rate/q) N u/(1 + u)
    (the ODE's right-hand side without cancellation). q = 0 is Gompertz:
    N = K exp(ln(start/K) e^(−rate t)), dN/dt = −rate ln(start/K) e^(−rate t) N.
    """
    log_ratio = math.log(start / capacity)
    with np.errstate(over="ignore", invalid="ignore"):
        # e^(−rate t) may overflow to inf for t → −∞: N → 0 and dN/dt → 0, as they should
        decay = np.exp(-rate * t)
        if q < GOMPERTZ_Q:
            value = capacity * np.exp(log_ratio * decay)
            rate_of_change = -rate * log_ratio * decay * value
        else:
            u = math.expm1(-q * log_ratio) * decay
            value = capacity * np.exp(-np.log1p(u) / q)
            rate_of_change = (rate / q) * value * np.where(np.isinf(u), 1.0, u / (1.0 + u))
    return value, np.where(value == 0.0, 0.0, rate_of_change)


def _light_and_derivative(t: np.ndarray, p: LightParams) -> tuple[np.ndarray, np.ndarray]:
    growth, growth_rate = _richards(t, p.r, p.q, p.N0, 1.0)
    if p.T == math.inf or p.E == 0:
        return growth, growth_rate
    n_at_harvest = float(_richards(np.array(p.T), p.r, p.q, p.N0, 1.0)[0])
    harvested, harvest_rate = _richards(
        np.maximum(t - p.T, 0.0), p.r - p.q * p.E, p.q, n_at_harvest, p.epsilon
    )
    after = t >= p.T
    return np.where(after, harvested, growth), np.where(after, harvest_rate, growth_rate)


def _as_params(params: LightParams | None, **kwargs: float) -> LightParams:
    if params is not None and kwargs:
        raise TrainingError("pass either a LightParams or keyword parameters to light(), not both")
    return params if params is not None else LightParams(**kwargs)


def light(t: np.ndarray | float, params: LightParams | None = None, **kwargs: float) -> np.ndarray:
    """LIGHT at time(s) ``t``: pass a :class:`LightParams` or its fields as keywords.

    >>> float(light(0.0, r=2.0, E=0.0, T=1.0, q=0.5, N0=0.3))
    0.3
    """
    p = _as_params(params, **kwargs)
    return _light_and_derivative(np.asarray(t, dtype=np.float64), p)[0]


def light_derivative(
    t: np.ndarray | float, params: LightParams | None = None, **kwargs: float
) -> np.ndarray:
    """dN/dt of :func:`light` (the ODE's right-hand side; right derivative at t = T).

    >>> s = float(light(0.3)); round(float(light_derivative(0.3)) - s * (1 - s), 12)
    0.0
    """
    p = _as_params(params, **kwargs)
    return _light_and_derivative(np.asarray(t, dtype=np.float64), p)[1]


def light_activation(z: np.ndarray, params: LightParams | None = None) -> np.ndarray:
    """LIGHT as an activation σ(z) (the default parameters give the logistic sigmoid).

    >>> round(float(light_activation(np.array(0.0))), 6)
    0.5
    """
    return light(z, params if params is not None else LightParams())


def light_activation_grad(z: np.ndarray, params: LightParams | None = None) -> np.ndarray:
    """dσ/dz of :func:`light_activation`.

    >>> round(float(light_activation_grad(np.array(0.0))), 6)
    0.25
    """
    return light_derivative(z, params if params is not None else LightParams())


# ---------------------------------------------------------------------------
# LIGHT as a schedule of the replica coupling (the paper's Figure 1)

REGULATION_MODES: tuple[str, ...] = ("none", "growth", "harvesting", "growth+harvesting")
"""Figure 1 of the paper: (a) no regulation, (b) growth, (c) harvesting, (d) both."""

_SIGMOID_HARVESTED = LightParams(r=1.0, E=0.5, T=6.0, q=1.0, N0=0.5)
_MODE_WINDOWS: dict[str, tuple[LightParams, float, float]] = {
    # (parameters, LIGHT time at the start of training, LIGHT time at the end)
    "growth": (LightParams(r=1.0, E=0.0, T=math.inf, q=1.0, N0=0.5), -6.0, 6.0),
    "harvesting": (_SIGMOID_HARVESTED, 6.0, 18.0),
    "growth+harvesting": (_SIGMOID_HARVESTED, -6.0, 18.0),
}


@dataclass(frozen=True)
class CouplingSchedule:
    """ρ(s) = ρ_max · LIGHT(t(s)) over training progress s ∈ [0, 1], t linear from
    ``t_start`` to ``t_end``; ``params = None`` is the constant ρ_max (mode "none").

    Example:
        >>> schedule = regulation_schedule("growth", 10.0)
        >>> round(schedule(0.0), 3), round(schedule(0.5), 3), round(schedule(1.0), 3)
        (0.025, 5.0, 9.975)
    """

    rho_max: float
    params: LightParams | None = None
    t_start: float = 0.0
    t_end: float = 1.0

    def time(self, progress: float) -> float:
        """LIGHT time t at training progress ``progress`` ∈ [0, 1]."""
        return self.t_start + progress * (self.t_end - self.t_start)

    def __call__(self, progress: float) -> float:
        if self.params is None:
            return float(self.rho_max)
        return float(self.rho_max * light(self.time(progress), self.params))


def regulation_schedule(mode: str, rho_max: float) -> CouplingSchedule:
    """The coupling schedule of a regulation mode (:data:`REGULATION_MODES`).

    - ``none``: ρ = ρ_max throughout (Figure 1a);
    - ``growth``: the sigmoid LIGHT(t) (r = 1, q = 1, N0 = 1/2, no harvest) for t from −6
      to 6: ρ grows from 0.25% to 99.75% of ρ_max (1b);
    - ``harvesting``: r = 1, q = 1, N0 = 1/2, harvested at E = 1/2 from T = 6, for t from
      6 to 18: ρ starts at 99.75% of ρ_max and relaxes to ε·ρ_max = ρ_max/2 (1c);
    - ``growth+harvesting``: the same LIGHT for t from −6 to 18: growth over the first
      half of training, harvesting over the second (1d).

    >>> round(regulation_schedule("harvesting", 1.0)(1.0), 3)
    0.501
    """
    if isinstance(rho_max, bool) or not isinstance(rho_max, int | float | np.number):
        raise TrainingError(f"rho_max = {rho_max!r} must be a number >= 0")
    if not rho_max >= 0:
        raise TrainingError(f"rho_max = {rho_max!r} must be >= 0 (inf: replicas always equal)")
    if mode == "none":
        return CouplingSchedule(float(rho_max))
    if mode not in _MODE_WINDOWS:
        raise TrainingError(
            f"regulation mode {mode!r} is unknown; use one of {', '.join(REGULATION_MODES)}"
        )
    params, start, end = _MODE_WINDOWS[mode]
    return CouplingSchedule(float(rho_max), params, start, end)
